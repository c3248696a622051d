// The command ids a snapshot stands for, kept as a scalable Bloom filter: a snapshot replaces the
// events before it, but a command retried after a lost answer must still be recognised as one of
// them (else it would be decided again). The filter answers "certainly not recorded" for almost
// every new command at no cost; "maybe" sends the processor to the log to look (exact). Each part
// is twice as large as the one before and twice as strict (a scalable Bloom filter), so however
// many commands a stream holds, at most one new command in 1,000 takes that look. Holding the ids
// themselves would make a 100k-event stream's snapshot megabytes long (this: ~0.5 MB).

/** The first part's share of false "maybe"s; part i allows half of part i-1's, so all parts together stay under twice this. */
const FIRST_FALSE_MAYBE = 1 / 2_000;
const FIRST_CAPACITY = 1_024;

interface Part {
  capacity: number;
  count: number;
  probes: number;
  bits: Uint8Array;
}

export interface CommandFilterJson {
  parts: { capacity: number; count: number; probes: number; bits: string }[];
}

/** A new, empty part: the index-th, sized for `capacity` ids (optimal Bloom filter: m/n = -ln p / ln²2, k = -log2 p). */
function newPart(index: number, capacity: number): Part {
  const falseMaybe = FIRST_FALSE_MAYBE / 2 ** index;
  const bitsPerId = -Math.log(falseMaybe) / Math.LN2 ** 2;
  return { capacity, count: 0, probes: Math.ceil(-Math.log2(falseMaybe)), bits: new Uint8Array(Math.ceil((capacity * bitsPerId) / 8)) };
}

export class CommandFilter {
  private constructor(private readonly parts: Part[]) {}

  static empty(): CommandFilter {
    return new CommandFilter([]);
  }

  /** Throws on anything that is not a filter this class wrote. */
  static fromJson(json: CommandFilterJson): CommandFilter {
    if (!Array.isArray(json?.parts)) throw new TypeError('not a command filter');
    return new CommandFilter(json.parts.map(({ capacity, count, probes, bits }, index) => {
      const bytes = new Uint8Array(Buffer.from(bits, 'base64'));
      const expected = newPart(index, capacity);
      if (!Number.isInteger(count) || probes !== expected.probes || bytes.length !== expected.bits.length) throw new TypeError('not a command filter');
      return { capacity, count, probes, bits: bytes };
    }));
  }

  toJson(): CommandFilterJson {
    return { parts: this.parts.map(({ capacity, count, probes, bits }) => ({ capacity, count, probes, bits: Buffer.from(bits).toString('base64') })) };
  }

  /** A copy with `ids` added (a filter in a snapshot already written is never changed). */
  with(ids: Iterable<string>): CommandFilter {
    const parts: Part[] = this.parts.map((part) => ({ ...part, bits: part.bits.slice() }));
    for (const id of ids) {
      let part: Part | undefined = parts.at(-1);
      // A full part would answer "maybe" too often: the next one is twice as large.
      if (!part || part.count >= part.capacity) {
        part = newPart(parts.length, part ? part.capacity * 2 : FIRST_CAPACITY);
        parts.push(part);
      }
      const [h1, h2] = hashes(id);
      const bitCount = part.bits.length * 8;
      for (let i = 0; i < part.probes; i++) {
        const bit = ((h1 + Math.imul(i, h2)) >>> 0) % bitCount;
        part.bits[bit >>> 3]! |= 1 << (bit & 7);
      }
      part.count++;
    }
    return new CommandFilter(parts);
  }

  /** False: `id` was certainly not added. True: it probably was (look in the log). */
  mightHold(id: string): boolean {
    const [h1, h2] = hashes(id);
    return this.parts.some((part) => {
      const bitCount = part.bits.length * 8;
      for (let i = 0; i < part.probes; i++) {
        const bit = ((h1 + Math.imul(i, h2)) >>> 0) % bitCount;
        if ((part.bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
      }
      return true;
    });
  }
}

/** The two hashes whose combinations h1 + i*h2 pick an id's bits (Kirsch and Mitzenmacher's double hashing). */
function hashes(id: string): [number, number] {
  return [fnv1a(id, 0x811c9dc5), fnv1a(id, 0x01000193) | 1];
}

function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
