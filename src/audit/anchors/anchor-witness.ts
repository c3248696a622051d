// Witnessed anchors: copies of the anchor events kept outside the store (a file, another system),
// from GET /v1/audit/anchors or `npm run cli -- anchors`. A log checked against a witness
// (`verify --witness <file>`) must still hold every witnessed anchor, byte for byte (the same
// chain hash at the same revision of the anchor stream), and its streams must still reach the
// heads the witnessed anchors recorded. Whoever rewrites the log and its anchors, or cuts the
// anchor stream back, is caught unless they can also change every copy the witnesses keep.
import type { RecordedEvent } from '../../eventstore/event-store.port.js';
import { ANCHOR_RECORDED, type AnchorRecordedData } from './anchor.js';
import { signatureProblem, type TrustedKeys } from './anchor-signature.js';

/** One anchor event as a witness keeps it: one line of the witness file (NDJSON). */
export interface WitnessedAnchor {
  revision: number;
  eventId: string;
  /** The anchor event's chain hash in the anchor stream. */
  hash: string;
  recordedAt: string;
  data: AnchorRecordedData;
}

export function witnessedAnchorOf(event: RecordedEvent): WitnessedAnchor {
  return { revision: event.revision, eventId: event.eventId, hash: event.metadata.hash, recordedAt: event.recordedAt, data: event.data as AnchorRecordedData };
}

/** The witness file's lines; throws naming the first line that is not a witnessed anchor. */
export function parseWitness(ndjson: string): WitnessedAnchor[] {
  return ndjson.split('\n').filter((line) => line.trim() !== '').map((line, index) => {
    let value: Partial<WitnessedAnchor>;
    try {
      value = JSON.parse(line) as Partial<WitnessedAnchor>;
    } catch {
      throw new Error(`witness line ${index + 1} is not JSON`);
    }
    const data = value.data as Partial<AnchorRecordedData> | undefined;
    if (!Number.isInteger(value.revision) || typeof value.hash !== 'string' || typeof value.eventId !== 'string' || typeof data?.position !== 'string' || typeof data.streamHeads !== 'object') {
      throw new Error(`witness line ${index + 1} is not an anchor (revision, eventId, hash, data.position, data.streamHeads)`);
    }
    return value as WitnessedAnchor;
  });
}

export interface WitnessProblem {
  revision: number;
  eventId: string;
  reason: 'witness_mismatch' | 'witness_invalid';
  detail: string;
}

/** What comparing needs of a stored anchor event (a RecordedEvent, or one read back over HTTP). */
export type HeldAnchor = Pick<RecordedEvent, 'type' | 'revision' | 'eventId'> & { metadata: Pick<RecordedEvent['metadata'], 'hash'> };

/** How the stored anchor stream differs from what the witness saw. */
export function compareWithWitness(stored: readonly HeldAnchor[], witness: readonly WitnessedAnchor[], trusted: TrustedKeys): WitnessProblem[] {
  const byRevision = new Map(stored.filter((event) => event.type === ANCHOR_RECORDED).map((event) => [event.revision, event]));
  const problems: WitnessProblem[] = [];
  for (const witnessed of witness) {
    const at = { revision: witnessed.revision, eventId: witnessed.eventId };
    if (witnessed.data.signature !== undefined) {
      const problem = signatureProblem(witnessed.data, trusted);
      if (problem !== undefined) {
        problems.push({ ...at, reason: 'witness_invalid', detail: `the witnessed anchor at position ${witnessed.data.position}: ${problem}` });
        continue;
      }
    }
    const held = byRevision.get(witnessed.revision);
    if (!held) {
      problems.push({ ...at, reason: 'witness_mismatch', detail: `the witnessed anchor at position ${witnessed.data.position} is no longer in the log` });
    } else if (held.metadata.hash !== witnessed.hash || held.eventId !== witnessed.eventId) {
      problems.push({ ...at, reason: 'witness_mismatch', detail: `the log holds another anchor at revision ${witnessed.revision} than the witness saw (position ${witnessed.data.position})` });
    }
  }
  return problems;
}
