// The signed-in user's token. Kept in sessionStorage: it survives a reload of the console, is
// scoped to this one tab, and is gone when the tab closes; it is never a cookie, so no other site
// can make the browser send it (no CSRF). Tokens live 15 minutes (JWT_TTL_SECONDS); a 401 signs
// the user out. Script injection is what could read it, which the page's strict CSP (scripts from
// this origin only, no inline code) and Preact's escaping of every value guard against.
const KEY = 'orderstream.console.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, token);
}
