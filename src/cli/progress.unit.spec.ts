// Several bars on a terminal are one display: each bar keeps a line of its own (the display moves
// the cursor back up to redraw them), rather than every bar redrawing the same line.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { progressBars, type BarStream } from './progress.js';

/** A stream that says it is a terminal, and keeps what is written to it. */
function terminal(): { stream: BarStream; written: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  let written = '';
  stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return { stream, written: () => written };
}

describe('progressBars', () => {
  it('draws one line per bar, all of them in each frame', async () => {
    const { stream, written } = terminal();
    const display = progressBars(stream);
    const names = ['rebuild product-details', 'rebuild stock-levels', 'rebuild users'];
    const bars = names.map((name) => display.add(name, 100, 'positions'));
    bars.forEach((bar, i) => bar.update(10 * (i + 1)));
    await new Promise((resolve) => setTimeout(resolve, 250));
    bars[0]!.stop();
    display.stop();
    const output = written();
    for (const name of names) expect(output).toContain(name);
    // A frame draws every bar on a line of its own, then moves the cursor back up over them (ESC [2A)
    // so the next frame redraws the same lines: a single-line bar never moves up.
    const frame = output.slice(0, output.indexOf('\u001b[2A'));
    expect(frame.split('\n').map((line) => names.find((name) => line.includes(name)))).toEqual(names);
    expect(frame).toMatch(/rebuild users +\[.*\] 30%/);
    expect(output).toMatch(/rebuild product-details +\[.*\] 100%/);
  });

  it('draws nothing when the stream is not a terminal (piped output stays clean)', () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const display = progressBars(stream);
    display.add('rebuild users', 10).update(5);
    display.stop();
    expect(written).toBe('');
  });
});
