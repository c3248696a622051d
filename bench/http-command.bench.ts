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
}

export interface HttpCommandFigures {
  service: LoadResult;
  bare: LoadResult;
}

export async function httpCommandBench(options: HttpCommandOptions = {}): Promise<HttpCommandFigures> {
  const connections = options.connections ?? 50;
  const seconds = options.seconds ?? 10;
  const body = JSON.stringify({ quantity: 1, reference: 'PO-LOAD' });

  const bareProcess = await startProcess(resolve('dist/bench/bare-route.main.js'), {});
  let bare: LoadResult;
  try {
    await runLoad({ baseUrl: bareProcess.baseUrl, connections, seconds: 1, next: () => ({ method: 'POST', path: '/ok', body }) }); // warm-up
    bare = await runLoad({ baseUrl: bareProcess.baseUrl, connections, seconds, next: () => ({ method: 'POST', path: '/ok', body }) });
  } finally {
    await bareProcess.stop();
  }

  const service = await startService();
  try {
    const staff = await staffToken(service);
    const products = await registerProducts(service, staff, options.products ?? 200, 0);
    const headers = { authorization: `Bearer ${staff}` };
    const next = (i: number) => ({ method: 'POST' as const, path: `/v1/products/${products[i % products.length]}/stock-receipts`, headers, body });
    await runLoad({ baseUrl: service.baseUrl, connections, seconds: 1, next }); // warm-up
    const measured = await runLoad({ baseUrl: service.baseUrl, connections, seconds, next });
    if (measured.failed > 0) throw new Error(`${measured.failed} stock receipts failed; first: ${measured.firstFailure}`);
    return { service: measured, bare };
  } finally {
    await service.stop();
  }
}
