// The command ids a snapshot stands for, kept as a scalable Bloom filter: a snapshot replaces the
// events before it, but a command retried after a lost answer must still be recognised as one of
// them (else it would be decided again). The filter answers "certainly not recorded" for almost
// every new command at no cost; "maybe" sends the processor to the log to look (exact). Holding
// the ids themselves would make a 100k-event stream's snapshot megabytes long.

/** Bits per id and probes: about one false "maybe" in 1,000 (m/n = 14.4, k = 10). */
const BITS_PER_ID = 15;
const PROBES = 10;
const FIRST_CAPACITY = 1_024;

interface Part {
  capacity: number;
  count: number;
  bits: Uint8Array;
}

export interface CommandFilterJson {
  parts: { capacity: number; count: number; bits: string }[];
}

export class CommandFilter {
  private constructor(private readonly parts: Part[]) {}

  static empty(): CommandFilter {
    return new CommandFilter([]);
  }

  /** Throws on anything that is not a filter this class wrote. */
  static fromJson(json: CommandFilterJson): CommandFilter {
    if (!Array.isArray(json?.parts)) throw new TypeError('not a command filter');
    return new CommandFilter(json.parts.map(({ capacity, count, bits }) => {
      const bytes = new Uint8Array(Buffer.from(bits, 'base64'));
      if (!Number.isInteger(capacity) || !Number.isInteger(count) || bytes.length !== byteLength(capacity)) throw new TypeError('not a command filter');
      return { capacity, count, bits: bytes };
    }));
  }

  toJson(): CommandFilterJson {
    return { parts: this.parts.map(({ capacity, count, bits }) => ({ capacity, count, bits: Buffer.from(bits).toString('base64') })) };
  }

  /** A copy with `ids` added (a filter in a snapshot already written is never changed). */
  with(ids: Iterable<string>): CommandFilter {
    const parts = this.parts.map((part) => ({ ...part, bits: part.bits.slice() }));
    for (const id of ids) {
      let part = parts.at(-1);
      // A full part would answer "maybe" too often: the next one is twice as large.
      if (!part || part.count >= part.capacity) {
        const capacity = part ? part.capacity * 2 : FIRST_CAPACITY;
        part = { capacity, count: 0, bits: new Uint8Array(byteLength(capacity)) };
        parts.push(part);
      }
      for (const bit of probes(id, part.bits.length * 8)) part.bits[bit >>> 3]! |= 1 << (bit & 7);
      part.count++;
    }
    return new CommandFilter(parts);
  }

  /** False: `id` was certainly not added. True: it probably was (look in the log). */
  mightHold(id: string): boolean {
    return this.parts.some((part) => probes(id, part.bits.length * 8).every((bit) => (part.bits[bit >>> 3]! & (1 << (bit & 7))) !== 0));
  }
}

const byteLength = (capacity: number) => Math.ceil((capacity * BITS_PER_ID) / 8);

/** Double hashing (Kirsch and Mitzenmacher) over two 32-bit FNV-1a hashes with different seeds. */
function probes(id: string, bitCount: number): number[] {
  const h1 = fnv1a(id, 0x811c9dc5);
  const h2 = fnv1a(id, 0x01000193) | 1;
  return Array.from({ length: PROBES }, (_, i) => (h1 + Math.imul(i, h2)) >>> 0).map((hash) => hash % bitCount);
}

function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
