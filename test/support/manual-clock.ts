// A clock that moves only when a test moves it.
import type { Clock } from '../../src/clock/clock.js';

export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-11-23T12:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
