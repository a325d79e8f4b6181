import { createHash } from 'node:crypto';
import { Lexer, Source, TokenKind } from 'graphql';
import { PERSONAS } from '../../seeds/personas';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, GraphQLResponse, takeCost, TestHub } from '../helpers/hub';

/**
 * Issue #11, part 1: every limit applies to the operation that executes, whatever the entry:
 * POST JSON, GET, an APQ registration, an APQ request by hash alone, a document of several
 * operations with an operationName. The exploit of the issue: register `query A { cheap }
 * query B { deep }` measured as A, then send the hash alone with operationName B.
 */

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const chain = (k: number) => `${'distributors { '.repeat(k)}name${' }'.repeat(k)}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const tokens = (text: string) => {
  const lexer = new Lexer(new Source(text));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) n++;
  return n;
};

/** The harmless operation registered next to the bad one. */
const OK = 'query Ok { viewer { role } }';
/** 3 × organizations(first: 100) › customers(first: 99) = 30,000 nodes: 300 points, over the budget of 250 of this file's hub. */
const EXPENSIVE = range(3)
  .map((i) => `o${i}: organizations(first: 100) { nodes { customers(first: 99) { totalCount } } }`)
  .join(' ');
const FIFTY_THOUSAND = range(5)
  .map((i) => `o${i}: organizations(first: 100) { nodes { customers(first: 99) { totalCount } } }`)
  .join(' ');

interface Case {
  limit: string;
  max: number;
  /** The document with the operation `Bad` (and, for the multi-operation entries, `Ok`). */
  document: (withOk: boolean) => string;
  actual: (document: string) => number;
  /** Document-wide limits refuse the document whichever operation is named. */
  documentWide?: boolean;
  /** Too long for a URL (GET answers 431 before anything is read). */
  tooLongForGet?: boolean;
}

const both = (withOk: boolean, bad: string) => (withOk ? `${OK} ${bad}` : bad);
const CASES: Case[] = [
  {
    limit: 'maxDocumentChars',
    max: 15000,
    document: (withOk) => {
      const base = both(withOk, 'query Bad { viewer { role } }');
      return `${' '.repeat(15001 - base.length)}${base}`;
    },
    actual: (d) => d.length,
    documentWide: true,
    tooLongForGet: true,
  },
  {
    limit: 'maxTokens',
    max: 2000,
    document: (withOk) => both(withOk, `query Bad($x: [Int] = [${'1 '.repeat(2000)}]) { viewer { role } }`),
    actual: tokens,
    documentWide: true,
  },
  { limit: 'maxRepeatedFields', max: 10, document: (withOk) => both(withOk, `query Bad { products { ${'sku '.repeat(11)} } }`), actual: () => 11, documentWide: true },
  { limit: 'maxDepth', max: 12, document: (withOk) => both(withOk, `query Bad { organization(id: "x") { ${chain(11)} } }`), actual: () => 13 },
  {
    limit: 'maxAliases',
    max: 20,
    document: (withOk) =>
      both(
        withOk,
        `query Bad { ${range(21)
          .map((i) => `t${i}: __typename`)
          .join(' ')} }`,
      ),
    actual: () => 21,
  },
  {
    limit: 'maxDirectives',
    max: 10,
    document: (withOk) =>
      both(
        withOk,
        `query Bad { products { ${range(11)
          .map((i) => `f${i}: sku @include(if: true)`)
          .join(' ')} } }`,
      ),
    actual: () => 11,
  },
  { limit: 'maxIds', max: 100, document: (withOk) => both(withOk, `query Bad { nodes(ids: ${JSON.stringify(range(101).map((i) => `id-${i}`))}) { id } }`), actual: () => 101 },
  { limit: 'maxNodes', max: 50000, document: (withOk) => both(withOk, `query Bad { ${FIFTY_THOUSAND} licenses(first: 1) { totalCount } }`), actual: () => 50001 },
  { limit: 'maxCost', max: 250, document: (withOk) => both(withOk, `query Bad { ${EXPENSIVE} }`), actual: () => 300 },
];

describe(`every limit through every entry (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let client: Client;

  beforeAll(async () => {
    hub = await TestHub.start('query_limits_entries', { RATE_LIMIT_POINTS: '250' });
  });
  afterAll(() => hub?.close());
  beforeAll(async () => {
    // About 130 requests of 1 point each (refused ones included) and one of 20: within the 250.
    client = await hub.as(PERSONAS.vendorAdmin);
  });

  async function send(init: { method: 'GET' | 'POST'; body?: Record<string, unknown>; actor?: Client }): Promise<GraphQLResponse> {
    const actor = init.actor ?? client;
    const headers: Record<string, string> = { authorization: `Bearer ${actor.token}` };
    let url = `${hub.url}/graphql`;
    if (init.method === 'GET') {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(init.body ?? {})) if (v !== undefined) search.set(k, typeof v === 'string' ? v : JSON.stringify(v));
      url += `?${search.toString()}`;
      headers['apollo-require-preflight'] = 'true';
    } else {
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(url, { method: init.method, headers, body: init.method === 'POST' ? JSON.stringify(init.body) : undefined });
    return { status: res.status, headers: res.headers, ...takeCost((await res.json()) as GraphQLResponse['body']) };
  }
  const apq = (document: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(document) } });

  function expectRefused(r: GraphQLResponse, c: Case, document: string): void {
    expect({ status: r.status, data: r.body.data, errors: r.body.errors?.length }).toEqual({ status: 400, data: undefined, errors: 1 });
    expect(r.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: c.limit, max: c.max, actual: c.actual(document) });
  }

  describe.each(CASES.map((c) => [c.limit, c] as const))('%s', (_name, c) => {
    it('POST JSON', async () => {
      const d = c.document(false);
      expectRefused(await send({ method: 'POST', body: { query: d } }), c, d);
    });

    (c.tooLongForGet ? it.skip : it)('GET', async () => {
      const d = c.document(false);
      expectRefused(await send({ method: 'GET', body: { query: d } }), c, d);
    });

    it('APQ registration (query and hash), and the hash is not registered', async () => {
      const d = c.document(false);
      expectRefused(await send({ method: 'POST', body: { query: d, extensions: apq(d) } }), c, d);
      const byHash = await send({ method: 'POST', body: { extensions: apq(d) } });
      expect({ status: byHash.status, codes: codes(byHash), data: byHash.body.data }).toEqual({ status: 200, codes: ['PERSISTED_QUERY_NOT_FOUND'], data: undefined });
    });

    it('APQ by hash: the document registered with Ok, executed as Bad', async () => {
      const d = c.document(true);
      const registered = await send({ method: 'POST', body: { query: d, operationName: 'Ok', extensions: apq(d) } });
      if (c.documentWide) {
        // Refused whichever operation is named, so never registered: the hash is unknown.
        expectRefused(registered, c, d);
        const byHash = await send({ method: 'POST', body: { operationName: 'Bad', extensions: apq(d) } });
        expect(codes(byHash)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
        return;
      }
      expect({ status: registered.status, data: registered.body.data, errors: registered.body.errors }).toEqual({ status: 200, data: { viewer: { role: 'VENDOR_ADMIN' } }, errors: undefined });
      expectRefused(await send({ method: 'POST', body: { operationName: 'Bad', extensions: apq(d) } }), c, d);
      expectRefused(await send({ method: 'GET', body: { operationName: 'Bad', extensions: apq(d) } }), c, d);
      // The registered document still answers as Ok.
      const ok = await send({ method: 'GET', body: { operationName: 'Ok', extensions: apq(d) } });
      expect({ status: ok.status, data: ok.body.data }).toEqual({ status: 200, data: { viewer: { role: 'VENDOR_ADMIN' } } });
    });

    it('a document of several operations, with operationName', async () => {
      const d = c.document(true);
      expectRefused(await send({ method: 'POST', body: { query: d, operationName: 'Bad' } }), c, d);
      const ok = await send({ method: 'POST', body: { query: d, operationName: 'Ok' } });
      if (c.documentWide) expectRefused(ok, c, d);
      else expect({ status: ok.status, data: ok.body.data }).toEqual({ status: 200, data: { viewer: { role: 'VENDOR_ADMIN' } } });
    });
  });

  it('the exploit of the issue: registered as the cheap operation, run by hash as the deep one, is refused and runs nothing', async () => {
    const d = `query A { __typename } query B { organization(id: "x") { ${chain(25)} } }`;
    const registered = await send({ method: 'POST', body: { query: d, operationName: 'A', extensions: apq(d) } });
    expect(registered.body).toEqual({ data: { __typename: 'Query' } });
    for (const method of ['POST', 'GET'] as const) {
      const r = await send({ method, body: { operationName: 'B', extensions: apq(d) } });
      expect({ status: r.status, data: r.body.data }).toEqual({ status: 400, data: undefined });
      expect(r.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxDepth', max: 12, actual: 27 });
    }
  });

  it('by hash, the rate limit charges the operation that executes', async () => {
    // Big: 100 × (1 + 19) = 2,000 nodes: 20 points; Small: 1 point.
    const d = `query Small { viewer { role } } query Big { licenses(first: 100) { nodes { activations(first: 19) { totalCount } } } }`;
    const remaining = (r: GraphQLResponse) => Number(r.headers.get('x-ratelimit-remaining'));
    const registered = await send({ method: 'POST', body: { query: d, operationName: 'Small', extensions: apq(d) } });
    expect(registered.status).toBe(200);
    const big = await send({ method: 'POST', body: { operationName: 'Big', extensions: apq(d) } });
    expect({ status: big.status, errors: big.body.errors }).toEqual({ status: 200, errors: undefined });
    expect(remaining(registered) - remaining(big)).toBe(20);
  });

  it('a hash of another shape than a string (a one-element array prints as the hash) finds nothing', async () => {
    const d = `query A { __typename } query B { organization(id: "x") { ${chain(25)} } }`;
    await send({ method: 'POST', body: { query: d, operationName: 'A', extensions: apq(d) } });
    const r = await send({ method: 'POST', body: { operationName: 'B', extensions: { persistedQuery: { version: 1, sha256Hash: [sha256(d)] } } } });
    expect(r.status).toBe(400);
    expect(r.body.data).toBeUndefined();
    expect(codes(r)).toEqual(['BAD_REQUEST']);
  });
});
