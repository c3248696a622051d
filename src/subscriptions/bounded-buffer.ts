// A bounded queue between a subscription (producer) and its subscriber (consumer). When it is
// full, push() waits, so the producer stops pulling from the store: backpressure instead of
// an unbounded pile of events in memory.

export const BUFFER_ENDED = Symbol('buffer ended');

export class BoundedBuffer<T> {
  private readonly items: T[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(private readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError('capacity must be a positive integer');
  }

  /** Adds an item, waiting while the buffer is full. False once the buffer is closed. */
  push(item: T): Promise<boolean> {
    return this.pushAll([item]);
  }

  /** Adds the items in order, each as soon as there is room for it. False once the buffer is closed. */
  async pushAll(items: readonly T[]): Promise<boolean> {
    let next = 0;
    while (next < items.length) {
      while (!this.ended && this.items.length >= this.capacity) {
        await new Promise<void>((resolve) => (this.wakeProducer = resolve));
      }
      if (this.ended) return false;
      const fits = Math.min(items.length, next + this.capacity - this.items.length);
      while (next < fits) this.items.push(items[next++]!);
      this.wake('consumer');
    }
    return !this.ended;
  }

  /**
   * Waits for at least one item, then takes up to `max` of those buffered, stopping after the
   * first item `isBoundary` accepts. BUFFER_ENDED once ended and drained; throws the producer's
   * failure once drained.
   */
  async take(max: number, isBoundary: (item: T) => boolean = () => false): Promise<T[] | typeof BUFFER_ENDED> {
    while (this.items.length === 0) {
      if (this.failure) throw this.failure.error;
      if (this.ended) return BUFFER_ENDED;
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
      // Woken by the first item: a producer handing over a page it read in one go pushes the rest
      // on microtasks, so give it that turn before taking. Without it a catch-up was taken ~2
      // events at a time, and each batch paid a read-model commit of its own.
      if (this.items.length < max && !this.ended) await new Promise((resolve) => setImmediate(resolve));
    }
    let count = 0;
    while (count < Math.min(max, this.items.length)) {
      count += 1;
      if (isBoundary(this.items[count - 1]!)) break;
    }
    const taken = this.items.splice(0, count);
    this.wake('producer');
    return taken;
  }

  /** The producer has no more items; what is buffered can still be taken. */
  end(): void {
    this.ended = true;
    this.wake('consumer');
    this.wake('producer');
  }

  /** The producer failed; the consumer gets the error after what is buffered. */
  fail(error: unknown): void {
    this.failure = { error };
    this.end();
  }

  /** Stops at once: drops what is buffered and releases both sides. */
  close(): void {
    this.items.length = 0;
    this.end();
  }

  private wake(side: 'consumer' | 'producer'): void {
    const wake = side === 'consumer' ? this.wakeConsumer : this.wakeProducer;
    if (side === 'consumer') this.wakeConsumer = undefined;
    else this.wakeProducer = undefined;
    wake?.();
  }
}
