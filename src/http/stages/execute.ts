import { ApolloServer, HeaderMap } from '@apollo/server';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../common/secret-box';
import { RequestContext } from '../../context/request-context';
import { abandonIdempotent, finishIdempotent } from '../../modules/idempotency/idempotency.service';
import { OperationSource } from '../persisted-queries';
import { timeout } from './admit';
import { abandon } from './idempotency';
import { Exchange, Refusal } from './exchange';

export interface ExecuteDeps {
  apollo: Pick<ApolloServer<RequestContext>, 'executeHTTPGraphQLRequest'>;
  dataSource: DataSource;
  secrets: SecretBox;
  executionTimeoutMs: number;
}

/**
 * execute: Apollo executes the document the limits measured, within the time limit. The turn is
 * given back when the execution ends, also one abandoned at its time limit.
 */
export function execute(deps: ExecuteDeps) {
  return async function execute(x: Exchange): Promise<Refusal | undefined> {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(x.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const context = x.context!;
    const method = x.method.toUpperCase();
    bearerGetIsPreflighted(method, headers);
    const execution = deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, ...apolloRequest(method, x.search, x.body, x.source!) },
      context: async () => context,
    });
    void execution.then(x.release, x.release);
    let result;
    try {
      result = await Promise.race([execution, x.timedOut!]);
    } catch (e) {
      await abandon(deps, x);
      throw e;
    } finally {
      x.stopTimer!();
    }
    if (result === 'timeout' || x.abort!.signal.aborted) {
      finishLate(deps, x, execution);
      return timeout(x, deps.executionTimeoutMs);
    }
    x.result = result;
    return undefined;
  };
}

/**
 * CSRF (docs/api.md): Apollo accepts a GET only with a header a browser cannot send cross-site
 * without a CORS preflight. `Authorization` is such a header (it is not CORS-safelisted), and
 * every GraphQL request carries it (bearer tokens, no cookies): a GET that has it could not have
 * been forged by another site's page, so it counts as preflighted and a plain `curl -G` works.
 * POSTs keep Apollo's content-type check, and a mutation over GET is still refused (405).
 */
function bearerGetIsPreflighted(method: string, headers: HeaderMap): void {
  if ((method === 'GET' || method === 'HEAD') && /^bearer\s+\S/i.test(headers.get('authorization') ?? '')) headers.set('apollo-require-preflight', 'true');
}

/**
 * A mutation's transaction may still commit after the client got TIMEOUT: its Idempotency-Key
 * stays claimed until the work ends, then holds its real answer, so a retry never acts twice.
 */
function finishLate(deps: ExecuteDeps, x: Exchange, execution: ReturnType<ExecuteDeps['apollo']['executeHTTPGraphQLRequest']>): void {
  const idem = x.idempotency;
  if (idem?.kind !== 'started') return;
  const { recordId, onceOnly, run } = idem;
  execution
    .then((late) => (late.body.kind === 'complete' ? finishIdempotent(deps.dataSource, deps.secrets, recordId, late.status ?? 200, run, onceOnly) : abandonIdempotent(deps.dataSource, recordId)))
    .catch(() => abandonIdempotent(deps.dataSource, recordId).catch(() => undefined));
}

/**
 * The request Apollo executes: the text the limits measured in place of the request's `query`
 * (an APQ hash resolved already; Apollo checks the hash against the text and keeps registering
 * it), and without extensions when there is no text, so Apollo never looks up a hash itself.
 */
export function apolloRequest(method: string, search: string, body: unknown, source: OperationSource): { search: string; body: unknown } {
  if (method !== 'POST') {
    const params = new URLSearchParams(search);
    if (source.kind === 'text') params.set('query', source.query);
    else params.delete('extensions');
    return { search: `?${params.toString()}`, body };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { search, body }; // Apollo refuses it
  if (source.kind === 'text') return { search, body: { ...body, query: source.query } };
  const { extensions: _dropped, ...rest } = body as Record<string, unknown>;
  return { search, body: rest };
}
