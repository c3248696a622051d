// A closed-loop HTTP load generator over keep-alive connections: `connections` clients, each
// sending its next request as soon as the last one is answered, for a fixed time (and at most
// `maxRequests`). The same generator drives the service and its yardstick, so the ratio between
// them does not depend on how fast the generator itself is.
import { Agent, request as httpRequest } from 'node:http';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  baseUrl: string;
  connections: number;
  seconds: number;
  /** Bounds the run whatever the speed. */
  maxRequests?: number;
  /** The i-th request (i counts from 0 over all connections). */
  next(i: number): LoadRequest;
  /** Whether an answer counts as served; by default 2xx. */
  ok?(status: number): boolean;
}

export interface LoadResult {
  requests: number;
  failed: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  firstFailure?: string;
}

export function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function send(agent: Agent, url: URL, spec: LoadRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { agent, host: url.hostname, port: url.port, method: spec.method, path: spec.path, headers: { ...spec.headers, ...(spec.body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(spec.body) }) } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(spec.body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const ok = options.ok ?? ((status: number) => status >= 200 && status < 300);
  const maxRequests = options.maxRequests ?? Number.MAX_SAFE_INTEGER;
  const latencies: number[] = [];
  let issued = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const client = async (): Promise<void> => {
    while (performance.now() < deadline && issued < maxRequests) {
      const spec = options.next(issued++);
      const t = performance.now();
      try {
        const answer = await send(agent, url, spec);
        if (ok(answer.status)) latencies.push(performance.now() - t);
        else {
          failed += 1;
          firstFailure ??= `${spec.method} ${spec.path} answered ${answer.status}: ${answer.body.slice(0, 200)}`;
        }
      } catch (error) {
        failed += 1;
        firstFailure ??= `${spec.method} ${spec.path} failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, client));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length, failed, perSecond: latencies.length / seconds,
    p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), ...(firstFailure ? { firstFailure } : {}),
  };
}
