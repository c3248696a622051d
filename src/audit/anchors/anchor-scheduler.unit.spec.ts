import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { AnchorRecorder } from './anchor-recorder.js';
import { AnchorScheduler } from './anchor-scheduler.js';

function recorder() {
  const calls: number[] = [];
  const fake: Pick<AnchorRecorder, 'record'> = { record: async () => (calls.push(Date.now()), { recorded: false, anchor: null }) };
  return { fake, calls };
}

afterEach(() => {
  jest.useRealTimers();
});

describe('AnchorScheduler', () => {
  it('anchors every interval until shutdown', async () => {
    jest.useFakeTimers();
    const { fake, calls } = recorder();
    const scheduler = new AnchorScheduler(fake, { anchorIntervalSeconds: 60 });
    scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(59_000);
    expect(calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(121_000);
    expect(calls).toHaveLength(3);
    scheduler.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(600_000);
    expect(calls).toHaveLength(3);
  });

  it('records only on demand with an interval of 0', async () => {
    jest.useFakeTimers();
    const { fake, calls } = recorder();
    const scheduler = new AnchorScheduler(fake, { anchorIntervalSeconds: 0 });
    scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(86_400_000);
    expect(calls).toHaveLength(0);
  });
});
