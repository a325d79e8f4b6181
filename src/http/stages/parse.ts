import { Exchange, Refusal, refusal } from './exchange';

/** The largest request body (the body limit of the /graphql route; 413 beyond). */
export const MAX_BODY_BYTES = 100 * 1024;

export const bodyTooLarge = (): Refusal => refusal(413, 'QUERY_TOO_COMPLEX', `request body over the limit of ${MAX_BODY_BYTES} bytes`, { limit: 'maxBodyBytes', max: MAX_BODY_BYTES });

/**
 * parse: the GraphQL parameters of the request, from a JSON body (POST) or the query string
 * (GET). A body of another type is kept as text: Apollo's CSRF prevention refuses it with 400.
 * The route reads the body as text, within MAX_BODY_BYTES, before this stage.
 */
export function parse(x: Exchange): Refusal | undefined {
  if (x.method === 'POST') {
    const text = x.rawBody ?? '';
    const type = String(x.headers['content-type'] ?? '');
    if (!type.startsWith('application/json') && !type.startsWith('application/graphql-response+json')) {
      x.body = text;
      return undefined;
    }
    try {
      x.body = text.length ? JSON.parse(text) : undefined;
    } catch {
      return refusal(400, 'BAD_REQUEST', 'request body is not valid JSON');
    }
    if (x.body && typeof x.body === 'object' && !Array.isArray(x.body)) x.params = x.body;
    return undefined;
  }
  const search = new URLSearchParams(x.search);
  x.params = { query: search.get('query') ?? undefined, operationName: search.get('operationName') ?? undefined };
  for (const name of ['variables', 'extensions'] as const) {
    const text = search.get(name);
    if (!text) continue;
    try {
      x.params[name] = JSON.parse(text);
    } catch {
      return refusal(400, 'BAD_REQUEST', `${name} is not valid JSON`);
    }
  }
  return undefined;
}
