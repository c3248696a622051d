// RFC 8785 canonical JSON (JCS) exactly as the `canonicalize` package writes it, byte for byte,
// quirks included (canonical-json.unit.spec.ts checks that against the package on random values),
// but about three times faster: every event appended is hashed over it (hash-chain.ts), and the
// package's cost was a sixth of the append path (a character loop over every string in JavaScript,
// a Set entry per object). Lone surrogates are found by a native regular expression, object keys
// sorted by a small insertion sort and remembered once written, and cycles found by the short
// stack of objects being written.
const LONE_SURROGATE = /\p{Cs}/u;
/** Object keys written before: the same few names recur in every event, and each is checked once. */
const writtenKeys = new Map<string, string>();
/** Bounds the key cache: keys are data too, and a stream of distinct ones must not grow memory. */
const MAX_WRITTEN_KEYS = 4096;

export function canonicalJson(value: unknown): string | undefined {
  return write(value, []);
}

/** What JSON.stringify would escape in a string, or a lone surrogate: a string with none is written as it is. */
const NOT_PLAIN = /[\u0000-\u001f"\\]|\p{Cs}/u;

/** A string as JSON.stringify writes it (the package's way), refusing a lone surrogate. */
function writeString(value: string): string {
  if (!NOT_PLAIN.test(value)) return `"${value}"`;
  if (LONE_SURROGATE.test(value)) throw new Error('Lone surrogate is not allowed');
  return JSON.stringify(value);
}

function writeKey(key: string): string {
  let json = writtenKeys.get(key);
  if (json === undefined) {
    json = writeString(key);
    if (writtenKeys.size >= MAX_WRITTEN_KEYS) writtenKeys.clear();
    writtenKeys.set(key, json);
  }
  return json;
}

/**
 * The object's keys in code-unit order, as the package's default sort() orders them. An object
 * has a few keys: an insertion sort comparing with < (the same code-unit order) costs a fraction
 * of the generic sort, which was half of writing an event.
 */
function sortedKeys(object: object): string[] {
  const keys = Object.keys(object);
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
}

function write(value: unknown, open: object[]): string | undefined {
  if (typeof value === 'string') return writeString(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new Error('NaN is not allowed');
    if (!Number.isFinite(value)) throw new Error('Infinity is not allowed');
    return JSON.stringify(value);
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (open.includes(value)) throw new Error('Circular reference detected');
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  open.push(value);
  let text: string | undefined;
  if (typeof toJSON === 'function') {
    text = write(toJSON.call(value), open);
  } else if (Array.isArray(value)) {
    text = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // As the package's map + join write them: a hole in a sparse array, or a value without JSON
      // (a function), leaves an empty slot.
      const slot = !(i in value) ? '' : item === undefined || typeof item === 'symbol' ? 'null' : write(item, open) ?? '';
      text += i === 0 ? slot : `,${slot}`;
    }
    text += ']';
  } else {
    const object = value as Record<string, unknown>;
    const keys = sortedKeys(object);
    text = '{';
    let first = true;
    for (const key of keys) {
      const item = object[key];
      if (item === undefined || typeof item === 'symbol') continue;
      // A template literal, as the package's: a function value is written as `undefined`.
      text += `${first ? '' : ','}${writeKey(key)}:${write(item, open)}`;
      first = false;
    }
    text += '}';
  }
  open.pop();
  return text;
}
