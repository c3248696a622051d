import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../../eventstore/event-store.port.js';
import { chainHash, GENESIS_HASH } from '../../eventstore/hash-chain.js';
import { canonicalJson, exportLine, ManifestBuilder, MerkleBuilder, signManifest, verifyExport } from './export-format.js';
import { generateSigningKeyPem, signingKeyFromPem } from './signing-key.js';

function chained(count: number): RecordedEvent[] {
  let prevHash = GENESIS_HASH;
  return Array.from({ length: count }, (_, revision) => {
    const base = {
      streamId: 's-1', revision, eventId: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`, type: 'Counted', schemaVersion: 1, data: { n: revision },
      metadata: { actor: { system: 't' }, commandId: 'c', commandType: 'C', correlationId: 'k', causationId: 'k', occurredAt: '2026-11-23T12:00:00.000Z', prevHash },
    };
    const hash = chainHash(base);
    prevHash = hash;
    return { ...base, position: BigInt(revision + 1), recordedAt: '2026-11-23T12:00:00.000Z', metadata: { ...base.metadata, hash } };
  });
}

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest();

describe('MerkleBuilder', () => {
  it('pairs leaves level by level, promoting an odd node', () => {
    const leaves = ['a', 'b', 'c'].map((line) => sha(line));
    const ab = sha(Buffer.concat([leaves[0]!, leaves[1]!]));
    const expected = sha(Buffer.concat([ab, leaves[2]!])).toString('hex');
    const merkle = new MerkleBuilder();
    for (const line of ['a', 'b', 'c']) merkle.add(line);
    expect(merkle.root()).toBe(expected);
    expect(new MerkleBuilder().root()).toBe(sha('').toString('hex'));
  });
});

describe('signed exports', () => {
  const key = signingKeyFromPem(generateSigningKeyPem().privateKeyPem, 'config');

  function bundle(events: RecordedEvent[]) {
    const builder = new ManifestBuilder();
    const lines = events.map(exportLine);
    lines.forEach((line, i) => builder.add(line, events[i]!.position.toString()));
    const manifest = builder.finish({ createdAt: '2026-11-23T12:00:00.000Z', filter: {}, keyId: key.keyId });
    return { ndjson: Buffer.from(lines.map((l) => `${l}\n`).join('')), manifestJson: canonicalJson(manifest), signature: signManifest(manifest, key.privateKey), publicKeyPem: key.publicKeyPem };
  }

  it('verifies what it signed', () => {
    expect(verifyExport(bundle(chained(5)))).toEqual({ ok: true, count: 5, problems: [] });
    expect(verifyExport(bundle([]))).toEqual({ ok: true, count: 0, problems: [] });
  });

  it('finds an edited line, a dropped line, a changed manifest and another key', () => {
    const good = bundle(chained(5));
    const edited = { ...good, ndjson: Buffer.from(good.ndjson.toString().replace('{"n":2}', '{"n":3}')) };
    expect(verifyExport(edited).problems).toEqual(expect.arrayContaining([expect.stringContaining('does not match its chain hash'), expect.stringContaining('root hash')]));
    const lines = good.ndjson.toString().split('\n');
    const dropped = { ...good, ndjson: Buffer.from([...lines.slice(0, 2), ...lines.slice(3)].join('\n')) };
    expect(verifyExport(dropped).problems).toEqual(expect.arrayContaining([expect.stringContaining('says 5 events')]));
    const manifest = JSON.parse(good.manifestJson);
    expect(verifyExport({ ...good, manifestJson: JSON.stringify({ ...manifest, count: 4 }) }).problems).toContain('the signature does not match the manifest and this public key');
    const other = signingKeyFromPem(generateSigningKeyPem().privateKeyPem, 'config');
    expect(verifyExport({ ...good, publicKeyPem: other.publicKeyPem }).ok).toBe(false);
  });
});
