// The HTTP command path beside its yardstick, both in their own process, driven by the same
// load generator in the same run: POST /v1/products/{id}/stock-receipts (JWT, guards, DTO
// validation, load + decide + fsynced append, answer) against a bare NestJS + Fastify POST route.
import { resolve } from 'node:path';
import { runLoad, type LoadResult } from './http-load.js';
import { registerProducts, staffToken, startService } from './service-client.js';
import { startProcess } from './service-process.js';

export interface HttpCommandOptions {
  connections?: number;
  products?: number;
  seconds?: number;
  /** The checkout whose dist/ is measured; this one by default. */
  root?: string;
}

export interface ServiceLoadResult extends LoadResult {
  /** The service process's CPU time per answered request. */
  cpuMsPerRequest: number;
}

export interface HttpCommandFigures {
  service: ServiceLoadResult;
  bare: LoadResult;
}

const body = JSON.stringify({ quantity: 1, reference: 'PO-LOAD' });

export async function httpCommandBench(options: HttpCommandOptions = {}): Promise<HttpCommandFigures> {
  const bare = await bareRouteLoad(options);
  return { service: await stockReceiptsLoad(options), bare };
}

/** The yardstick: a bare NestJS + Fastify POST route under the same load. */
export async function bareRouteLoad(options: HttpCommandOptions = {}): Promise<LoadResult> {
  const connections = options.connections ?? 50;
  const seconds = options.seconds ?? 10;
  const bareProcess = await startProcess(resolve('dist/bench/bare-route.main.js'), {});
  let bare: LoadResult;
  try {
    await runLoad({ baseUrl: bareProcess.baseUrl, connections, seconds: 1, next: () => ({ method: 'POST', path: '/ok', body }) }); // warm-up
    bare = await runLoad({ baseUrl: bareProcess.baseUrl, connections, seconds, next: () => ({ method: 'POST', path: '/ok', body }) });
  } finally {
    await bareProcess.stop();
  }
  return bare;
}

/** The service (built under `root`) answering stock receipts over 200 products. */
export async function stockReceiptsLoad(options: HttpCommandOptions = {}): Promise<ServiceLoadResult> {
  const connections = options.connections ?? 50;
  const seconds = options.seconds ?? 10;
  const service = await startService(options.root ? { root: options.root } : {});
  try {
    const staff = await staffToken(service);
    const products = await registerProducts(service, staff, options.products ?? 200, 0);
    const headers = { authorization: `Bearer ${staff}` };
    const next = (i: number) => ({ method: 'POST' as const, path: `/v1/products/${products[i % products.length]}/stock-receipts`, headers, body });
    await runLoad({ baseUrl: service.baseUrl, connections, seconds: 1, next }); // warm-up
    const cpuBefore = service.cpuMs();
    const measured = await runLoad({ baseUrl: service.baseUrl, connections, seconds, next });
    const cpuMsPerRequest = (service.cpuMs() - cpuBefore) / measured.requests;
    if (measured.failed > 0) throw new Error(`${measured.failed} stock receipts failed; first: ${measured.firstFailure}`);
    return { ...measured, cpuMsPerRequest };
  } finally {
    await service.stop();
  }
}
