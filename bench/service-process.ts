// Starts a Node process that prints "listening on http://host:port" (the service's
// dist/src/main.js, or the bare-route yardstick) and stops it by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunningProcess {
  baseUrl: string;
  pid: number;
  /** Resident memory of the process now (Linux /proc), in MiB. */
  rssMb(): number;
  stop(): Promise<void>;
}

/** Extra node flags for every process the bench starts, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

export async function startProcess(script: string, env: Record<string, string>, startTimeoutMs = 120_000): Promise<RunningProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let timer: NodeJS.Timeout | undefined;
  try {
    const baseUrl = await new Promise<string>((found, failed) => {
      let output = '';
      timer = setTimeout(() => failed(new Error(`${script} did not listen within ${startTimeoutMs} ms`)), startTimeoutMs);
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
        if (match) found(match[1]!);
      });
      child.once('exit', (code) => failed(new Error(`${script} exited with ${code} before listening`)));
    });
    child.stdout!.resume(); // keep draining its output
    return {
      baseUrl,
      pid: child.pid!,
      rssMb() {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
      },
      async stop() {
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
