// Records anchors (anchor.ts): on demand, and every AUDIT_ANCHOR_INTERVAL_SECONDS when the log
// has moved. Keeps every stream's head in memory and reads only the events since its last look.
// Reads the store as written, since the hashes are those of the stored events. With the audit key
// every anchor is signed and names the anchor before it (anchor-signature.ts); without one (in
// production before a key is set) anchors are recorded unsigned and verify says so.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/clock.js';
import { envelopeEvents } from '../../command-handling/event-envelope.js';
import { WrongExpectedRevisionError } from '../../eventstore/event-store.errors.js';
import type { EventStore, NewEvent, Position } from '../../eventstore/event-store.port.js';
import { logPages } from '../../eventstore/log-pages.js';
import { GENESIS_HASH } from '../../eventstore/hash-chain.js';
import type { SigningKey } from '../export/signing-key.js';
import { signAnchor } from './anchor-signature.js';
import {
  ANCHOR_RECORDED,
  ANCHOR_STREAM,
  MAX_HEADS_PER_EVENT,
  foldAnchors,
  rootHashOf,
  type AnchorRecordedData,
  type AnchorSummary,
  type StreamHead,
} from './anchor.js';

export interface AnchorOutcome {
  /** False when nothing changed since the latest anchor (it is answered instead). */
  recorded: boolean;
  anchor: AnchorSummary | null;
}

export class AnchorRecorder {
  private loaded = false;
  /** Heads as the latest anchor recorded them. */
  private anchored = new Map<string, StreamHead>();
  /** Heads as of `scanned`. */
  private readonly heads = new Map<string, StreamHead>();
  private scanned: Position | undefined;
  private latest: AnchorSummary | undefined;
  private anchorRevision = -1;
  /** Chain hash of the latest anchor event: what the next signed anchor names. */
  private lastAnchorHash = GENESIS_HASH;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly raw: EventStore,
    private readonly clock: Clock,
    private readonly signingKey?: SigningKey,
  ) {}

  /** Serialised: two calls never race for the anchor stream's next revision. */
  record(actor: NewEvent['metadata']['actor'] = { system: 'audit-anchors' }): Promise<AnchorOutcome> {
    const run = this.queue.then(async () => {
      try {
        return await this.recordNow(actor);
      } catch (error) {
        // Someone else (the CLI while the service was stopped) anchored meanwhile: start over once.
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        this.loaded = false;
        return this.recordNow(actor);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async recordNow(actor: NewEvent['metadata']['actor']): Promise<AnchorOutcome> {
    if (!this.loaded) await this.load();
    for await (const page of logPages(this.raw, { after: this.scanned })) {
      for (const event of page) {
        if (event.streamId !== ANCHOR_STREAM) this.heads.set(event.streamId, { revision: event.revision, hash: event.metadata.hash });
      }
      this.scanned = page.at(-1)!.position;
    }
    const changed: Array<[string, StreamHead]> = [];
    for (const [streamId, head] of this.heads) {
      const before = this.anchored.get(streamId);
      if (!before || before.revision !== head.revision || before.hash !== head.hash) changed.push([streamId, head]);
    }
    if (changed.length === 0 || this.scanned === undefined) return { recorded: false, anchor: this.latest ?? null };

    const rootHash = rootHashOf(this.heads);
    const parts = Math.max(1, Math.ceil(changed.length / MAX_HEADS_PER_EVENT));
    const now = this.clock.now();
    const commandId = randomUUID();
    const anchorParts = Array.from({ length: parts }, (_, index) => {
      const body: AnchorRecordedData = {
        position: this.scanned!.toString(),
        streamHeads: Object.fromEntries(changed.slice(index * MAX_HEADS_PER_EVENT, (index + 1) * MAX_HEADS_PER_EVENT)),
        rootHash,
        streamCount: this.heads.size,
        part: index + 1,
        parts,
      };
      const key = this.signingKey;
      const data = key ? signAnchor({ ...body, previousAnchorHash: this.lastAnchorHash, keyId: key.keyId }, key) : body;
      return { type: ANCHOR_RECORDED, data };
    });
    const metadata = { commandId, correlationId: commandId, causationId: commandId, actor };
    const events = envelopeEvents(anchorParts, { commandType: 'RecordAnchor', metadata, occurredAt: now });
    const result = await this.raw.append(ANCHOR_STREAM, events, this.anchorRevision < 0 ? 'no_stream' : this.anchorRevision);
    this.anchorRevision = result.nextRevision;
    this.lastAnchorHash = (await this.raw.readStream(ANCHOR_STREAM, { fromRevision: result.nextRevision })).at(-1)?.metadata.hash ?? this.lastAnchorHash;
    this.anchored = new Map(this.heads);
    this.latest = {
      position: this.scanned.toString(), rootHash, streamCount: this.heads.size, revision: result.nextRevision, recordedAt: now.toISOString(), keyId: this.signingKey?.keyId ?? null,
    };
    return { recorded: true, anchor: this.latest };
  }

  /** The anchors so far, and every head as of the latest one (then scanning goes on from there). */
  private async load(): Promise<void> {
    const anchorEvents = await this.raw.readStream(ANCHOR_STREAM);
    const folded = foldAnchors(anchorEvents);
    this.anchorRevision = anchorEvents.at(-1)?.revision ?? -1;
    this.lastAnchorHash = anchorEvents.at(-1)?.metadata.hash ?? GENESIS_HASH;
    this.latest = folded.latest;
    // Scan from the start: it costs one pass at the first anchor after a start, and heads taken
    // from the log itself do not depend on the anchors being intact.
    this.scanned = undefined;
    this.heads.clear();
    this.anchored = new Map([...folded.heads].map(([id, { revision, hash }]) => [id, { revision, hash }]));
    this.loaded = true;
  }
}
