// Runs tasks one at a time per key (e.g. per stream) and concurrently across keys. Used where
// many writers aim at one stream at once (reservations of a popular product): taking turns in
// process costs one append each, where racing would cost a failed append and a re-decide per
// loser per round. Optimistic concurrency still guards against every other writer.
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    // The tail settles either way, and is forgotten once nothing queued behind it.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
