import { describe, expect, it } from '@jest/globals';
import { ConfigError } from './config-error.js';
import { loadHttpConfig } from './http-config.js';

describe('HTTP limits from the environment', () => {
  it('bounds every request and connection by default', () => {
    expect(loadHttpConfig({})).toEqual({
      requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, connectionTimeoutMs: 120_000, maxConnections: 1_000, shutdownGraceMs: 8_000,
    });
  });

  it('takes each setting from its variable', () => {
    expect(loadHttpConfig({
      HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '3000',
      HTTP_CONNECTION_TIMEOUT_MS: '4000', HTTP_MAX_CONNECTIONS: '5', SHUTDOWN_GRACE_MS: '0',
    })).toEqual({ requestTimeoutMs: 2000, headersTimeoutMs: 1000, keepAliveTimeoutMs: 3000, connectionTimeoutMs: 4000, maxConnections: 5, shutdownGraceMs: 0 });
  });

  it('headers wait no longer than the whole request unless told, and never longer when told', () => {
    expect(loadHttpConfig({ HTTP_REQUEST_TIMEOUT_MS: '2000' }).headersTimeoutMs).toBe(2000);
    expect(() => loadHttpConfig({ HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_HEADERS_TIMEOUT_MS: '3000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
  });

  it.each([
    ['HTTP_REQUEST_TIMEOUT_MS', '0'],
    ['HTTP_MAX_CONNECTIONS', '0'],
    ['HTTP_KEEP_ALIVE_TIMEOUT_MS', 'soon'],
    ['SHUTDOWN_GRACE_MS', '-1'],
  ])('refuses to start with %s=%s, naming it', (name, value) => {
    expect(() => loadHttpConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadHttpConfig({ [name]: value })).toThrow(name);
  });
});
