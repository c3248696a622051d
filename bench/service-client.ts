// The service as the bench sees it: started as `node <root>/dist/src/main.js` on a fresh data
// directory with limits raised for load, and called over HTTP as its users would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startProcess, type RunningProcess } from './service-process.js';

export const BENCH_ADMIN = { email: 'bench-admin@orderstream.test', password: 'bench admin password 123' };
export const BENCH_SECRET = 'orderstream-bench-secret-0123456789-0123456789';

export interface BenchService extends RunningProcess {
  dataDir: string;
  call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }>;
  login(email: string, password: string): Promise<string>;
}

/** Starts the service built under `root` (this checkout by default) on `dataDir` (a new temporary one by default). */
export async function startService(options: { root?: string; dataDir?: string; env?: Record<string, string> } = {}): Promise<BenchService> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'orderstream-bench-service-'));
  const running = await startProcess(resolve(options.root ?? '.', 'dist/src/main.js'), {
    DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
    JWT_SECRET: BENCH_SECRET, ADMIN_EMAIL: BENCH_ADMIN.email, ADMIN_PASSWORD: BENCH_ADMIN.password,
    RATE_LIMIT_COMMANDS_PER_MINUTE_PER_USER: '10000000', RATE_LIMIT_COMMANDS_PER_MINUTE_PER_IP: '10000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000', RATE_LIMIT_LOGIN_PER_MINUTE_PER_IP: '100000',
    RATE_LIMIT_REGISTRATIONS_PER_MINUTE_PER_IP: '100000',
    ...options.env,
  });
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(running.baseUrl + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const login = async (email: string, password: string) => {
    const answer = await call('POST', '/v1/auth/token', undefined, { email, password });
    if (answer.status !== 200 && answer.status !== 201) throw new Error(`sign-in as ${email} answered ${answer.status}`);
    return answer.body.accessToken as string;
  };
  return {
    ...running, dataDir, call, login,
    async stop() {
      await running.stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A staff account's token (staff register products and receive stock). */
export async function staffToken(service: BenchService): Promise<string> {
  const admin = await service.login(BENCH_ADMIN.email, BENCH_ADMIN.password);
  const created = await service.call('POST', '/v1/admin/users', admin, { email: 'staff@bench.test', password: 'staff password 12345', roles: ['staff'] });
  if (created.status !== 201) throw new Error(`creating the staff account answered ${created.status}: ${JSON.stringify(created.body)}`);
  return service.login('staff@bench.test', 'staff password 12345');
}

export async function registerProducts(service: BenchService, staff: string, count: number, stockEach: number): Promise<string[]> {
  const products: string[] = [];
  for (let i = 0; i < count; i++) {
    const product = await service.call('POST', '/v1/products', staff, { sku: `BENCH-${i}`, name: `Bench ${i}`, price: { amount: 1000 + i, currency: 'EUR' } });
    if (product.status !== 201) throw new Error(`POST /v1/products answered ${product.status}: ${JSON.stringify(product.body)}`);
    if (stockEach > 0) await service.call('POST', `/v1/products/${product.body.id}/stock-receipts`, staff, { quantity: stockEach, reference: 'PO-BENCH' });
    products.push(product.body.id);
  }
  return products;
}
