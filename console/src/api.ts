// Every call the console makes: the service's public HTTP API on the same origin, with the
// signed-in user's bearer token. Refusals come back as problem+json and are thrown as ApiProblem,
// so each screen shows what the API said (403 forbidden, log_data_forbidden, 404 ...) as it is.
import { storeToken, storedToken } from './session';

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

let onSignedOut: () => void = () => {};

/** Called when the API answers 401: the token expired or was revoked. */
export function whenSignedOut(callback: () => void): void {
  onSignedOut = callback;
}

async function problemOf(response: Response): Promise<ApiProblem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { code?: string; detail?: string; title?: string };
    return new ApiProblem(response.status, body.code ?? String(response.status), body.detail ?? body.title ?? response.statusText);
  } catch {
    return new ApiProblem(response.status, String(response.status), response.statusText);
  }
}

export type Query = Record<string, string | number | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** The raw answer of a call that succeeded (2xx); anything else is thrown as ApiProblem. */
export async function call(method: string, path: string, body?: unknown, accept?: string): Promise<Response> {
  const token = storedToken();
  const headers: Record<string, string> = {};
  if (accept !== undefined) headers.accept = accept;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  if (response.ok) return response;
  const problem = await problemOf(response);
  if (response.status === 401 && token !== null) {
    storeToken(null);
    onSignedOut();
  }
  throw problem;
}

export async function getJson<T>(path: string, query?: Query): Promise<T> {
  return (await call('GET', withQuery(path, query))).json() as Promise<T>;
}

export async function postJson<T>(path: string, body: unknown = undefined): Promise<T> {
  return (await call('POST', path, body)).json() as Promise<T>;
}

export async function signIn(email: string, password: string): Promise<void> {
  const { accessToken } = await postJson<{ accessToken: string }>('/v1/auth/token', { email, password });
  storeToken(accessToken);
}

export function signOut(): void {
  storeToken(null);
}

// The answers' shapes are the service's own types (type-only imports: nothing of src/ is bundled),
// so a change to an answer is a compile error here, not a screen that silently shows less. Types
// declared in modules that import Node's own (crypto, Buffer: verification, anchors) stay copied
// in their screens: the browser build has no Node types.
export type { EventView } from '../../src/audit/event-view';
export type { StateAt, StateDiff } from '../../src/audit/entity-state/state-at';
export type { CausationNode, CorrelationView } from '../../src/audit/correlations/causation-tree';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface MyPermissions {
  roles: string[];
  permissions: Array<{ name: string; scope: 'any' | 'own' }>;
}
