import { DataSource } from 'typeorm';
import { HubConfig, loadConfig } from '../../src/config';
import { issueUserToken } from '../../src/context/authenticate';
import { createHub, Hub, HubOptions } from '../../src/http/hub-server';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { seededDatabase } from './database';

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[]; extensions?: Record<string, any> };
  /** The answer's extensions.cost, taken out of `body` (see takeCost). */
  cost?: AnswerCost;
}

/** extensions.cost of an answer (docs/api.md, Rate limits). */
export interface AnswerCost {
  requestedQueryCost: number;
  limit: number;
  remaining: number;
  resetAt: string;
}

/**
 * Takes extensions.cost out of an answer's body: the budget left differs from one request to
 * the next, so tests that compare whole answers ("identical to the answer for an unknown id")
 * compare them without it; tests of the cost read it from the returned `cost`.
 */
export function takeCost<B>(body: B): { body: B; cost?: AnswerCost } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { body };
  const extensions = (body as { extensions?: Record<string, unknown> }).extensions;
  if (!extensions || typeof extensions !== 'object' || !('cost' in extensions)) return { body };
  const { cost, ...others } = extensions;
  const { extensions: _all, ...rest } = body as Record<string, unknown>;
  return { body: (Object.keys(others).length ? { ...rest, extensions: others } : rest) as B, cost: cost as AnswerCost };
}

/** A real hub on a real HTTP port over a real database holding the seed world. */
export class TestHub {
  /** The clock every request reads; tests move it. */
  now = new Date('2026-11-27T12:00:00.000Z');

  private constructor(
    readonly hub: Hub,
    readonly url: string,
    readonly dataSource: DataSource,
    readonly config: HubConfig,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /** `options`: more of createHub's options (e.g. deliverWebhooks: the delivery loop runs only when a test asks). */
  static async start(name: string, configEnv: NodeJS.ProcessEnv = {}, options: Pick<HubOptions, 'deliverWebhooks'> = {}): Promise<TestHub> {
    const db = await seededDatabase(name);
    // The tests send hundreds of bad credentials from one address (127.0.0.1); the tests of the
    // failed-authentication limit set AUTH_FAILURE_LIMIT themselves.
    const env = { AUTH_FAILURE_LIMIT: '1000000', ...db.env, ...configEnv };
    const config = loadConfig(env);
    // The hub reads its clock from the TestHub made below (requests come only after it exists).
    const hub = await createHub({ ...options, config, dataSource: db.dataSource, clock: () => self.now });
    const port = await hub.listen(0);
    const self = new TestHub(hub, `http://127.0.0.1:${port}`, db.dataSource, config, env);
    return self;
  }

  /** An address is unique per organization only: the first person who had it (the seed's) is meant. */
  async tokenFor(email: string): Promise<string> {
    const [user] = await this.dataSource.getRepository(PortalUser).find({ where: { email }, order: { createdAt: 'ASC', id: 'ASC' }, take: 1 });
    if (!user) throw new Error(`no portal user with e-mail ${email}`);
    return issueUserToken(this.config, user.id, this.now);
  }

  /** A client acting as the portal user with this e-mail. */
  async as(email: string): Promise<Client> {
    return new Client(this.url, await this.tokenFor(email), this.defaultHeaders());
  }

  withToken(token: string | null): Client {
    return new Client(this.url, token, this.defaultHeaders());
  }

  /** Behind a trusted TLS-terminating proxy (TRUST_PROXY=true) the proxy says the request came over HTTPS. */
  defaultHeaders(): Record<string, string> {
    return this.config.trustProxy ? { 'x-forwarded-proto': 'https' } : {};
  }

  close(): Promise<void> {
    return this.hub.close();
  }
}

export class Client {
  constructor(
    readonly url: string,
    readonly token: string | null,
    readonly defaultHeaders: Record<string, string> = {},
  ) {}

  async gql<T = any>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...this.defaultHeaders,
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: GraphQLResponse<T>['body'];
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`not JSON (HTTP ${res.status}): ${text.slice(0, 200)}`);
    }
    return { status: res.status, headers: res.headers, ...takeCost(body) };
  }

  /** The data of a query that must succeed without errors. */
  async data<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const r = await this.gql<T>(query, variables);
    if (r.body.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(r.body.errors)}`);
    return r.body.data as T;
  }
}

/** The codes of the errors of a response, in order. */
export const codes = (r: GraphQLResponse) => (r.body.errors ?? []).map((e) => e.extensions?.code);
