// Event data and states as readable JSON. Personal values show for what they are: a value still
// sealed for its data subject (`{"$sealed": …}`, as the log stores it) reads "sealed", and one
// whose subject was erased reads "erased", never as the raw marker; opened values read as written.
// Without markers the text is exactly JSON.stringify(value, null, 2), so it can be copied as JSON.
import type { ComponentChildren } from 'preact';

/** What the service writes for an erased piece of text (src/decider/personal-data.ts ERASED). */
const ERASED_TEXT = '[erased]';

type Marker = { kind: 'sealed'; title: string } | { kind: 'erased'; title: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function markerOf(value: unknown): Marker | undefined {
  if (value === ERASED_TEXT) return { kind: 'erased', title: "Erased: the data subject's key was destroyed" };
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  if (keys[0] === '$erased') return { kind: 'erased', title: "Erased: the data subject's key was destroyed" };
  if (keys[0] === '$sealed') {
    const subject = isRecord(value.$sealed) && typeof value.$sealed.subject === 'string' ? ` for data subject ${value.$sealed.subject}` : '';
    return { kind: 'sealed', title: `Personal data, encrypted${subject} as stored in the log` };
  }
  return undefined;
}

/** True for a value shown as a marker (sealed, erased) rather than as its JSON. */
export const isPersonalMarker = (value: unknown): boolean => markerOf(value) !== undefined;

function render(value: unknown, indent: string, inline: boolean): ComponentChildren {
  const marker = markerOf(value);
  if (marker) return <span class={`marker ${marker.kind}`} title={marker.title}>{marker.kind}</span>;
  const entries = Array.isArray(value) ? value.map((item) => [undefined, item] as const) : isRecord(value) ? Object.entries(value) : undefined;
  if (entries === undefined) return JSON.stringify(value) ?? 'undefined';
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return `${open}${close}`;
  const inner = `${indent}  `;
  const parts: ComponentChildren[] = [inline ? open : `${open}\n`];
  entries.forEach(([key, item], index) => {
    if (!inline) parts.push(inner);
    if (key !== undefined) parts.push(`${JSON.stringify(key)}: `);
    parts.push(render(item, inner, inline));
    if (index < entries.length - 1) parts.push(inline ? ', ' : ',');
    if (!inline) parts.push('\n');
  });
  parts.push(inline ? close : `${indent}${close}`);
  return parts;
}

/** A value as an indented JSON block. */
export function Json({ value }: { value: unknown }) {
  return <pre class="json">{render(value, '', false)}</pre>;
}

/** A value on one line (table cells, a diff's before and after). */
export function InlineJson({ value, class: className }: { value: unknown; class?: string }) {
  return <code class={className}>{value === undefined ? '—' : render(value, '', true)}</code>;
}
