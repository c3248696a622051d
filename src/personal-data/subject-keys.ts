// The subjects' keys as the event store uses them: looked up in the key store, remembered for a
// short while (a read of a thousand events of one customer asks the store once), and forgotten at
// once here when a subject is erased. Another instance of the service may go on reading with a
// key it remembers for up to KEY_CACHE_MS after an erasure elsewhere. With key-encryption keys
// configured, new data keys are stored wrapped and stored keys are unwrapped here (key-wrapping.ts):
// the key store never sees a data key in the clear, and only unwrapped keys are remembered.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock/clock.js';
import { StoreUnavailableError } from '../eventstore/event-store.errors.js';
import { KEY_BYTES, type SubjectKey, type SubjectKeyStore } from './subject-key-store.port.js';
import { KeyUnwrapError, unwrapKey, wrapKey, type KeyEncryptionKeys } from './key-wrapping.js';

export const KEY_CACHE_MS = 30_000;

/**
 * The key store did not answer (an unreadable keys.db, an unreachable _subject_keys): nothing that
 * needed a key happened (sealing comes before the append), so the request may be retried (HTTP 503).
 */
export class KeyStoreUnavailableError extends StoreUnavailableError {
  override readonly code = 'key_store_unavailable';
  override readonly answer = 'The key store of personal data is unavailable; nothing was written; retry the request';
  constructor(cause: unknown) {
    super(`The key store of personal data did not answer: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'KeyStoreUnavailableError';
  }
}
const MAX_REMEMBERED = 10_000;

export class SubjectKeys {
  private readonly remembered = new Map<string, { key: SubjectKey; until: number }>();
  /** A stored key the configured KEKs could not open: a configuration that will not heal by itself (GET /health). */
  private unopenable: string | undefined;

  constructor(
    readonly store: SubjectKeyStore,
    private readonly clock: Clock,
    /** Unset: data keys are stored as they are (and any stored wrapped key cannot be opened). */
    private readonly keks?: KeyEncryptionKeys,
  ) {}

  /** The key to seal new values of the subject with; for an erased subject a key thrown away at once. */
  async forSealing(subject: string): Promise<Buffer> {
    let key = this.cached(subject);
    if (key?.state !== 'active') {
      const dataKey = randomBytes(KEY_BYTES);
      const offered = this.keks ? wrapKey(dataKey, this.keks.current, subject) : dataKey;
      key = this.unwrapped(subject, await answered(this.store.keyFor(subject, this.clock.now().toISOString(), offered)));
    }
    this.remember(subject, key);
    return key.state === 'active' ? key.key : randomBytes(KEY_BYTES);
  }

  /** The key to open the subject's values with; undefined once erased (or never made). */
  async forOpening(subject: string): Promise<Buffer | undefined> {
    let key = this.cached(subject);
    if (!key) {
      const found = await answered(this.store.find(subject));
      if (!found) return undefined;
      this.remember(subject, (key = this.unwrapped(subject, found)));
    }
    return key.state === 'active' ? key.key : undefined;
  }

  /** Destroys the subject's key in the store, then forgets it here. */
  async destroy(subject: string): Promise<void> {
    this.remembered.delete(subject);
    await this.store.destroy(subject, this.clock.now().toISOString());
    this.remembered.delete(subject);
  }

  /** Why stored keys cannot be opened with this configuration, once one could not be. */
  configurationProblem(): string | undefined {
    return this.unopenable;
  }

  /** The stored key with its data key unwrapped; a key no configured KEK opens is refused (503), never read as erased. */
  private unwrapped(subject: string, stored: SubjectKey): SubjectKey {
    if (stored.state !== 'active') return stored;
    try {
      return { state: 'active', key: unwrapKey(stored.key, this.keks, subject) };
    } catch (error) {
      if (!(error instanceof KeyUnwrapError)) throw error;
      this.unopenable = error.message;
      throw new KeyStoreUnavailableError(error);
    }
  }

  private cached(subject: string): SubjectKey | undefined {
    const entry = this.remembered.get(subject);
    if (!entry || entry.until < Date.now()) return undefined;
    return entry.key;
  }

  private remember(subject: string, key: SubjectKey): void {
    if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
    this.remembered.set(subject, { key, until: Date.now() + KEY_CACHE_MS });
  }
}

/** The store's answer; a failure that is not already a store error (a disk fault) becomes KeyStoreUnavailableError. */
async function answered<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof StoreUnavailableError || error instanceof RangeError) throw error; // translated already; a malformed subject
    throw new KeyStoreUnavailableError(error);
  }
}
