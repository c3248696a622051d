// Progress bars for long work, on stderr and only on a terminal (piped output stays clean).
import cliProgress from 'cli-progress';

export interface Progress {
  update(value: number, total?: number): void;
  stop(): void;
}

export function progressBar(label: string, total: number, unit = 'events'): Progress {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`, stream: process.stderr, hideCursor: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 1), 0);
  return {
    update(value, newTotal) {
      if (newTotal !== undefined) bar.setTotal(Math.max(newTotal, 1));
      bar.update(value);
    },
    stop: () => bar.stop(),
  };
}

/** Several bars drawn together, one line each (e.g. `rebuild --all`); on a terminal only. */
export interface ProgressBars {
  add(label: string, total: number, unit?: string): Progress;
  stop(): void;
}

/** What the bars are drawn on: a writable stream that says whether it is a terminal, and how wide (process.stderr). */
export type BarStream = NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };

export function progressBars(stream: BarStream = process.stderr): ProgressBars {
  if (!stream.isTTY) return { add: () => ({ update() {}, stop() {} }), stop() {} };
  const bars = new cliProgress.MultiBar(
    { format: '{label} [{bar}] {percentage}% | {value}/{total} {unit}', stream, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const width = { label: 0 };
  return {
    add(label, total, unit = 'events') {
      width.label = Math.max(width.label, label.length);
      const bar = bars.create(Math.max(total, 1), 0, { label: label.padEnd(width.label), unit });
      return {
        update(value, newTotal) {
          if (newTotal !== undefined) bar.setTotal(Math.max(newTotal, 1));
          bar.update(value, { label: label.padEnd(width.label), unit });
        },
        // A finished rebuild's bar stays, full, among the others until all are done.
        stop: () => bar.update(bar.getTotal()),
      };
    },
    stop: () => bars.stop(),
  };
}
