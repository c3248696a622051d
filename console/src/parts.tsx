// Small pieces every screen uses: times in the reader's zone (UTC on hover), an actor, the API's refusals as it gave them, and a hook for one call's state.
import type { ComponentChildren } from 'preact';
import { useCallback, useRef, useState } from 'preact/hooks';
import { ApiProblem } from './api';

const LOCAL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A moment in the reader's time zone; hovering shows it in UTC, exactly as recorded. */
export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">—</span>;
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={`${iso.replace('T', ' ').replace('Z', '')} UTC`}>
      {LOCAL.format(date)}
    </time>
  );
}

export function ActorName({ actor }: { actor: unknown }) {
  if (actor && typeof actor === 'object' && 'system' in actor) return <span class="actor">system: {String(actor.system)}</span>;
  if (actor && typeof actor === 'object' && 'userId' in actor) {
    const roles = 'roles' in actor && Array.isArray(actor.roles) ? actor.roles.join(', ') : '';
    return (
      <span class="actor" title={String(actor.userId)}>
        {String(actor.userId).slice(0, 8)}… <span class="muted">({roles})</span>
      </span>
    );
  }
  return <span class="muted">—</span>;
}

/** What the API answered when it refused, word for word, so nobody mistakes a refusal for "no data". */
export function Refusal({ error }: { error: unknown }) {
  if (error instanceof ApiProblem) {
    return (
      <p class="problem" role="alert">
        The API answered <strong>{error.status}</strong> <code>{error.code}</code>: {error.detail}
      </p>
    );
  }
  return (
    <p class="problem" role="alert">
      {String(error)}
    </p>
  );
}

export interface Call<T> {
  data: T | undefined;
  error: unknown;
  busy: boolean;
  run(work: () => Promise<T>): Promise<void>;
  reset(): void;
}

export function useCall<T>(): Call<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; busy: boolean }>({ data: undefined, error: undefined, busy: false });
  // Only the latest call's answer is shown: answers can arrive out of order (a slider moved twice,
  // a page opened while the previous one loads), and an older one must not overwrite a newer one.
  const latest = useRef(0);
  const run = useCallback(async (work: () => Promise<T>) => {
    const call = ++latest.current;
    setState((previous) => ({ ...previous, busy: true, error: undefined }));
    try {
      const data = await work();
      if (call === latest.current) setState({ data, error: undefined, busy: false });
    } catch (error) {
      if (call === latest.current) setState({ data: undefined, error, busy: false });
    }
  }, []);
  const reset = useCallback(() => {
    latest.current++;
    setState({ data: undefined, error: undefined, busy: false });
  }, []);
  return { ...state, run, reset };
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function short(id: string | undefined | null, length = 8): string {
  if (!id) return '—';
  return id.length > length + 1 ? `${id.slice(0, length)}…` : id;
}
