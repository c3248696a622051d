// RFC 8785 canonical JSON (JCS) exactly as the `canonicalize` package writes it, byte for byte,
// quirks included (canonical-json.unit.spec.ts checks that against the package on random values),
// but about three times faster: every event appended is hashed over it (hash-chain.ts), and the
// package's cost was a sixth of the append path (a character loop over every string in JavaScript,
// a Set entry per object). Lone surrogates are found by a native regular expression, and cycles
// by the short stack of objects being written.
const LONE_SURROGATE = /\p{Cs}/u;
/** What JSON.stringify would escape in a string, or a lone surrogate: a string with none is written as it is. */
const NOT_PLAIN = /[\u0000-\u001f"\\]|\p{Cs}/u;

export function canonicalJson(value: unknown): string | undefined {
  return write(value, []);
}

function write(value: unknown, open: object[]): string | undefined {
  if (typeof value === 'string') {
    if (!NOT_PLAIN.test(value)) return `"${value}"`;
    if (LONE_SURROGATE.test(value)) throw new Error('Lone surrogate is not allowed');
    return JSON.stringify(value);
  }
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
    const keys = Object.keys(object).sort();
    text = '{';
    let first = true;
    for (const key of keys) {
      const item = object[key];
      if (item === undefined || typeof item === 'symbol') continue;
      // A template literal, as the package's: a function value is written as `undefined`.
      text += `${first ? '' : ','}${write(key, open)}:${write(item, open)}`;
      first = false;
    }
    text += '}';
  }
  open.pop();
  return text;
}
