// Screens are addressed by the URL's fragment (/console#/streams/product-…), so links can be
// shared and the service serves a single page at /console.
export type Route =
  | { screen: 'streams'; streamId?: string; fromRevision?: number }
  | { screen: 'entity'; streamId?: string }
  | { screen: 'story'; correlationId?: string }
  | { screen: 'integrity' }
  | { screen: 'analysts' }
  | { screen: 'access-log' }
  | { screen: 'home' };

export function parseRoute(hash: string): Route {
  // "#/<screen>/<id>?<query>": the id may itself hold slashes and colons (correlation ids do).
  const path = hash.replace(/^#\/?/, '');
  const queryAt = path.indexOf('?');
  const query = new URLSearchParams(queryAt < 0 ? '' : path.slice(queryAt + 1));
  const [screen = '', ...idParts] = (queryAt < 0 ? path : path.slice(0, queryAt)).split('/');
  const id = idParts.length === 0 || idParts.join('/') === '' ? undefined : decodeURIComponent(idParts.join('/'));
  switch (screen) {
    case 'streams': {
      const from = query.get('from');
      return { screen, streamId: id, fromRevision: from === null ? undefined : Number(from) };
    }
    case 'entity':
      return { screen, streamId: id };
    case 'story':
      return { screen, correlationId: id };
    case 'integrity':
    case 'analysts':
    case 'access-log':
      return { screen };
    default:
      return { screen: 'home' };
  }
}

export const href = {
  stream: (streamId: string, fromRevision?: number) => `#/streams/${encodeURIComponent(streamId)}${fromRevision === undefined ? '' : `?from=${fromRevision}`}`,
  entity: (streamId: string) => `#/entity/${encodeURIComponent(streamId)}`,
  story: (correlationId: string) => `#/story/${encodeURIComponent(correlationId)}`,
};
