// Starts a Node process that prints "listening on http://host:port" (the service's
// dist/src/main.js, or the bare-route yardstick) and stops it by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunningProcess {
  baseUrl: string;
  pid: number;
  /** Resident memory of the process now (Linux /proc), in MiB. */
  rssMb(): number;
  /** CPU time (user + system) the process has used so far, in ms (Linux /proc): unlike
   * throughput, CPU per request hardly moves with what else the machine is running. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Extra node flags for every process the bench starts, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** USER_HZ: 100 on every Linux build Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

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
      cpuMs() {
        // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name), in clock ticks.
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
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
