// The poll primitive: given a loop over a poll function, when time passes (fake timers), then it
// polls at the interval, never twice at once, logs failures and goes on, and stops for good.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { PollLoop } from './poll-loop.js';

afterEach(() => {
  jest.useRealTimers();
});

function loop(poll: () => Promise<unknown>, options: { intervalMs: number; firstPollAfterMs?: number }) {
  const errors: string[] = [];
  return { loop: new PollLoop(poll, { name: 'Test loop', ...options }, { error: (message) => errors.push(message) }), errors };
}

describe('PollLoop', () => {
  it('polls at once, then every interval after the previous poll ends, until stopped', async () => {
    jest.useFakeTimers();
    let polls = 0;
    const { loop: subject } = loop(async () => polls++, { intervalMs: 100 });
    subject.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(polls).toBe(1);
    await jest.advanceTimersByTimeAsync(250);
    expect(polls).toBe(3);
    await subject.stop();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(polls).toBe(3);
  });

  it('waits the first delay when given one', async () => {
    jest.useFakeTimers();
    let polls = 0;
    const { loop: subject } = loop(async () => polls++, { intervalMs: 60_000, firstPollAfterMs: 60_000 });
    subject.start();
    await jest.advanceTimersByTimeAsync(59_000);
    expect(polls).toBe(0);
    await jest.advanceTimersByTimeAsync(121_000);
    expect(polls).toBe(3);
    await subject.stop();
  });

  it('logs a failed poll and polls again at the next interval', async () => {
    jest.useFakeTimers();
    let polls = 0;
    const { loop: subject, errors } = loop(async () => {
      polls++;
      throw new Error('store unavailable');
    }, { intervalMs: 100 });
    subject.start();
    await jest.advanceTimersByTimeAsync(150);
    expect(polls).toBe(2);
    expect(errors).toEqual(['Test loop: store unavailable', 'Test loop: store unavailable']);
    await subject.stop();
  });

  it('polls now on demand, after the poll in progress, never two at once', async () => {
    let inFlight = 0;
    let most = 0;
    let polls = 0;
    const { loop: subject } = loop(async () => {
      polls++;
      most = Math.max(most, ++inFlight);
      await new Promise((done) => setTimeout(done, 20));
      inFlight--;
    }, { intervalMs: 60_000 });
    subject.start();
    await new Promise((done) => setTimeout(done, 5)); // the first poll is in progress
    await Promise.all([subject.pollNow(), subject.pollNow()]);
    expect(polls).toBe(3);
    expect(most).toBe(1);
    await subject.stop();
  });

  it('polls at once when woken instead of waiting out the interval, and once more after a poll that a wake-up came during', async () => {
    jest.useFakeTimers();
    let polls = 0;
    let release: (() => void) | undefined;
    const { loop: subject } = loop(async () => {
      polls++;
      if (polls === 2) await new Promise<void>((done) => (release = done));
    }, { intervalMs: 60_000 });
    subject.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(polls).toBe(1);
    subject.wake();
    await jest.advanceTimersByTimeAsync(0);
    expect(polls).toBe(2); // not a minute later
    subject.wake(); // during the second poll: folded into one more poll right after it
    subject.wake();
    await jest.advanceTimersByTimeAsync(0);
    expect(polls).toBe(2);
    release!();
    await jest.advanceTimersByTimeAsync(0);
    expect(polls).toBe(3);
    await jest.advanceTimersByTimeAsync(59_000);
    expect(polls).toBe(3); // then the interval again
    await subject.stop();
    subject.wake();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(polls).toBe(3);
  });

  it('stops within the grace period even if a poll never ends', async () => {
    const { loop: subject } = loop(() => new Promise(() => undefined), { intervalMs: 100 });
    subject.start();
    await new Promise((done) => setTimeout(done, 10));
    const started = Date.now();
    await subject.stop(50);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
