// Every event type's personal data, as the contexts declared it (src/decider/personal-data.ts),
// handed in by the composition root; and sealing and opening an event's personal values with it.
import type { PersonalFields } from '../decider/personal-data.js';
import { locations, valueAt, withValueAt } from './personal-paths.js';
import { isSealed, seal, unseal } from './sealing.js';
import type { SubjectKeys } from './subject-keys.js';

type Declarations = Readonly<Record<string, PersonalFields<unknown> | null>>;

interface SealableEvent {
  eventId: string;
  type: string;
  data: unknown;
}

export class PersonalDataCatalogue {
  private readonly byType = new Map<string, PersonalFields<unknown> | null>();

  constructor(declarations: readonly Declarations[]) {
    for (const declared of declarations) {
      for (const [type, fields] of Object.entries(declared)) {
        if (this.byType.has(type)) throw new Error(`The personal data of ${type} is declared twice`);
        this.byType.set(type, fields);
      }
    }
  }

  /** Every declared event type (with or without personal data). */
  get types(): string[] {
    return [...this.byType.keys()];
  }

  fieldsOf(type: string): PersonalFields<unknown> | null | undefined {
    return this.byType.get(type);
  }

  /** The event with each personal value sealed under its subject's key; the same object if it has none. */
  async seal<E extends SealableEvent>(event: E, keys: SubjectKeys): Promise<E> {
    const fields = this.byType.get(event.type);
    if (!fields) return event;
    const subject = fields.subject(event.data);
    const paths = Object.keys(fields.erased).flatMap((path) => locations(event.data, path));
    if (paths.length === 0) return event;
    if (subject === undefined) throw new Error(`${event.type} ${event.eventId} holds personal data but names no data subject`);
    const key = await keys.forSealing(subject);
    let data = event.data;
    for (const at of paths) data = withValueAt(data, at, seal(valueAt(data, at), subject, key, aadOf(event.eventId, at)));
    return { ...event, data };
  }

  /** The event with each sealed value opened, or as erased where its subject's key is gone; the same object if nothing was sealed. */
  async open<E extends SealableEvent>(event: E, keys: SubjectKeys): Promise<E> {
    const fields = this.byType.get(event.type);
    if (!fields) return event;
    let data = event.data;
    for (const [path, erased] of Object.entries(fields.erased)) {
      for (const at of locations(event.data, path)) {
        const sealed = valueAt(event.data, at);
        if (!isSealed(sealed)) continue; // written before personal data was sealed: as stored
        const key = await keys.forOpening(sealed.$sealed.subject);
        let value: unknown;
        try {
          value = key ? unseal(sealed, key, aadOf(event.eventId, at)) : erased(event.data);
        } catch {
          value = erased(event.data); // altered ciphertext: verify reports the event; readers see nothing of it
        }
        data = withValueAt(data, at, value);
      }
    }
    return data === event.data ? event : { ...event, data };
  }
}

const aadOf = (eventId: string, location: readonly string[]) => `${eventId}/${location.join('.')}`;
