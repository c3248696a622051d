// Calls the processor again, with back-off, while it fails transiently; other errors at once.
import { backOffDelay, type BackOff } from '../../scheduling/back-off.js';
import { GatewayUnavailableError } from './payment-gateway.port.js';

export async function retryTransient<T>(call: () => Promise<T>, attempts: number, backOff: BackOff, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError) || attempt >= attempts || signal?.aborted) throw error;
      await new Promise((done) => setTimeout(done, backOffDelay(backOff, attempt)));
    }
  }
}

export const GATEWAY_BACK_OFF: BackOff = { initialDelayMs: 50, maxDelayMs: 1_000 };
