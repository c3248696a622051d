// Event schema evolution: an event type's data may change shape over time (its schemaVersion).
// Events stay stored in the shape they were written in (the hash chain covers that shape);
// readers get them upcast, step by step, to the current shape, so deciders and projections
// only ever see one shape per type.
import type { RecordedEvent } from '../event-store.port.js';
import { withData } from '../copy-event.js';

/** Turns the data of one event type from `fromVersion` to `fromVersion + 1`. Pure. */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast(data: unknown, event: RecordedEvent): unknown;
}

export class UpcasterChain {
  private readonly steps = new Map<string, Upcaster>();
  private readonly current = new Map<string, number>();

  constructor(upcasters: readonly Upcaster[]) {
    for (const upcaster of upcasters) {
      if (!Number.isSafeInteger(upcaster.fromVersion) || upcaster.fromVersion < 1) {
        throw new RangeError(`Upcaster of ${upcaster.type}: fromVersion must be a positive integer`);
      }
      const key = `${upcaster.type}@${upcaster.fromVersion}`;
      if (this.steps.has(key)) throw new Error(`Two upcasters of ${upcaster.type} from version ${upcaster.fromVersion}`);
      this.steps.set(key, upcaster);
      this.current.set(upcaster.type, Math.max(this.current.get(upcaster.type) ?? 1, upcaster.fromVersion + 1));
    }
  }

  /** The shape version readers see for a type (1 for a type that never evolved). */
  currentVersion(type: string): number {
    return this.current.get(type) ?? 1;
  }

  /** The event in the current shape of its type; the same object if it already is. */
  upcast<E extends RecordedEvent>(event: E): E {
    // Most events are in their type's current shape: one map lookup, no key to build.
    const current = this.current.get(event.type);
    if (current === undefined || event.schemaVersion >= current) return event;
    let result = event;
    for (;;) {
      const step = this.steps.get(`${result.type}@${result.schemaVersion}`);
      if (!step) return result;
      result = withData(result, step.upcast(result.data, result), result.schemaVersion + 1);
    }
  }
}
