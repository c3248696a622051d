// Rewrapping every stored data key under the current key-encryption key: keys kept unwrapped
// (from before a KEK was configured) and keys wrapped with a previous KEK. After it, a copy of the
// key store opens nothing without the current KEK, and previous KEKs can be retired. Safe while the
// service runs: each key is replaced only if it is still what was read (an erasure meanwhile wins),
// and the data key inside stays the same, so every sealed value opens as before.
import { unwrapKey, wrapKey, wrappedBy, type KeyEncryptionKeys } from './key-wrapping.js';
import type { SubjectKeyStore } from './subject-key-store.port.js';

export interface RewrapOutcome {
  rewrapped: number;
  /** Already wrapped with the current KEK. */
  current: number;
  erased: number;
  /** Changed by someone else between the read and the replace (an erasure): left as they are. */
  changedMeanwhile: number;
}

export async function rewrapKeys(store: SubjectKeyStore, keks: KeyEncryptionKeys, pageSize = 500): Promise<RewrapOutcome> {
  const outcome: RewrapOutcome = { rewrapped: 0, current: 0, erased: 0, changedMeanwhile: 0 };
  let after: string | undefined;
  // Bounded: each page moves `after` forward over a finite set of subjects.
  for (;;) {
    const page = await store.page(after, pageSize);
    if (page.length === 0) return outcome;
    for (const { subject, key } of page) {
      if (key.state !== 'active') outcome.erased += 1;
      else if (wrappedBy(key.key) === keks.current.id) outcome.current += 1;
      else {
        // A key no configured KEK opens stops the run (KeyUnwrapError): nothing is guessed.
        const next = wrapKey(unwrapKey(key.key, keks, subject), keks.current, subject);
        if (await store.replace(subject, key.key, next)) outcome.rewrapped += 1;
        else outcome.changedMeanwhile += 1;
      }
    }
    after = page.at(-1)!.subject;
  }
}
