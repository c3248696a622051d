// Walking the personal paths of an event's data (`a.b`, `a.*.b`): pure, copy-on-write.

/** Every concrete location a path names in `data`, e.g. commands.*.shippingAddress -> commands.1.shippingAddress. */
export function locations(data: unknown, path: string): string[][] {
  const found: string[][] = [];
  const walk = (value: unknown, rest: string[], at: string[]) => {
    if (rest.length === 0) {
      found.push(at);
      return;
    }
    const [head, ...tail] = rest as [string, ...string[]];
    if (head === '*') {
      if (Array.isArray(value)) value.forEach((item, index) => walk(item, tail, [...at, String(index)]));
      return;
    }
    if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, head)) walk((value as Record<string, unknown>)[head], tail, [...at, head]);
  };
  walk(data, path.split('.'), []);
  return found;
}

export function valueAt(data: unknown, location: readonly string[]): unknown {
  return location.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], data);
}

/** `data` with the value at `location` replaced; the input is not changed. */
export function withValueAt(data: unknown, location: readonly string[], value: unknown): unknown {
  if (location.length === 0) return value;
  const [head, ...rest] = location as [string, ...string[]];
  if (Array.isArray(data)) return data.map((item, index) => (String(index) === head ? withValueAt(item, rest, value) : item));
  const record = data as Record<string, unknown>;
  return { ...record, [head]: withValueAt(record[head], rest, value) };
}
