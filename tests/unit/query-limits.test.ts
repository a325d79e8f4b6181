import { GraphQLSchema, Lexer, Source, TokenKind } from 'graphql';
import { Parser } from 'graphql/language/parser';
import { checkQuery, DEFAULT_QUERY_LIMITS, GraphQLParams, QueryCheck, QueryLimits } from '../../src/http/query-limits';
import { buildHubSchema } from '../../src/schema';

/**
 * The static query limits of issue #6, part 1: each limit at exactly its maximum (answered)
 * and one above (rejected, with the limit named and the numbers), on the hub's own schema.
 */

let schema: GraphQLSchema;
beforeAll(() => {
  schema = buildHubSchema();
});

const check = (query: unknown, variables?: unknown, operationName?: unknown, limits?: QueryLimits): QueryCheck => checkQuery(schema, { query, variables, operationName }, limits);

function expectOk(result: QueryCheck, nodeEstimate?: number): void {
  expect(result).toMatchObject({ kind: 'ok' });
  if (nodeEstimate !== undefined) expect(result).toMatchObject({ nodeEstimate });
}

function expectRejected(result: QueryCheck, limit: keyof QueryLimits, actual: number, max = DEFAULT_QUERY_LIMITS[limit]): void {
  expect(result).toMatchObject({ kind: 'rejected', limit, max, actual });
  if (result.kind === 'rejected') {
    expect(result.message).toContain(String(actual));
    expect(result.message).toContain(`limit of ${max}`);
  }
}

/** The estimate of an accepted query. */
function estimate(query: string, variables?: unknown): number {
  const result = check(query, variables);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.nodeEstimate;
}

/** The measured value of one limit: that limit set to 0 (the others at their defaults). */
function measure(query: string, limit: keyof QueryLimits, variables?: unknown): number {
  const result = check(query, variables, undefined, { ...DEFAULT_QUERY_LIMITS, [limit]: 0 });
  if (result.kind === 'ok') return 0;
  if (result.kind === 'rejected' && result.limit === limit) return result.actual;
  throw new Error(`cannot measure ${limit}: ${JSON.stringify(result)}`);
}

/** Tokens as graphql-js counts them (no comments, no commas), independently of the module under test. */
function countTokens(query: string): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count++;
  return count;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** k nested `distributors` lists (plain lists: depth without node estimate) around `leaf`. */
const chain = (k: number, leaf = 'name') => `${'distributors { '.repeat(k)}${leaf}${' }'.repeat(k)}`;
/** A query of exactly `depth` levels: organization › distributors × (depth − 2) › name. */
const deepQuery = (depth: number) => `{ organization(id: "x") { ${chain(depth - 2)} } }`;
/** `n` aliased fields. */
const aliasQuery = (n: number, field = 'id') =>
  `{ products { ${range(n)
    .map((i) => `a${i}: ${field}`)
    .join(' ')} } }`;
/** `n` @include directives (on four different fields, so no name repeats more than 10 times). */
const PRODUCT_FIELDS = ['id', 'sku', 'name', 'licenseModel'];
const directiveQuery = (n: number) =>
  `{ products { ${range(n)
    .map((i) => `${PRODUCT_FIELDS[i % 4]} @include(if: true)`)
    .join(' ')} } }`;
/** n tokens: 18 of structure and a default list of n - 18 numbers (no repeated fields, aliases or directives). */
const tokenQuery = (n: number) => `query($x: [Int] = [${'1 '.repeat(n - 18)}]) { viewer { role } }`;
/** A small query padded with leading whitespace to exactly `n` characters. */
const paddedQuery = (n: number, query = '{ viewer { role } }') => ' '.repeat(n - query.length) + query;
const idList = (n: number) => range(n).map((i) => `id-${i}`);
const idLiteral = (n: number) =>
  `[${idList(n)
    .map((id) => JSON.stringify(id))
    .join(', ')}]`;

/** The README's distributor dashboard query (issue #6: it must stay well inside every limit). */
const DASHBOARD =
  '{ viewer { role organization { name transferBasis { allowed basis reason } } } customers(first: 50) { totalCount nodes { name users(first: 5) { nodes { name email } } licenses(first: 20) { nodes { status seats seatsUsed product { sku } activations { nodes { computer { os } } } } } } } }';

describe('query limits: the defaults', () => {
  it('are the limits of issue #6', () => {
    expect(DEFAULT_QUERY_LIMITS).toEqual({ maxDepth: 12, maxAliases: 20, maxDirectives: 10, maxTokens: 2000, maxDocumentChars: 15000, maxIds: 100, maxNodes: 50000, maxRepeatedFields: 10 });
  });

  it('the builders of this file measure what they claim', () => {
    expect(countTokens(tokenQuery(2000))).toBe(2000);
    expect(measure(tokenQuery(2000), 'maxTokens')).toBe(2000);
    expect(paddedQuery(15000)).toHaveLength(15000);
    expect(measure(deepQuery(12), 'maxDepth')).toBe(12);
    expect(measure(aliasQuery(20), 'maxAliases')).toBe(20);
    expect(measure(directiveQuery(10), 'maxDirectives')).toBe(10);
  });
});

describe('query limits: document size (maxDocumentChars, 15,000 characters)', () => {
  it('answers a document of exactly 15,000 characters', () => {
    expectOk(check(paddedQuery(15000)));
  });

  it('rejects a document of 15,001 characters (whitespace + a small query)', () => {
    const result = check(paddedQuery(15001));
    expectRejected(result, 'maxDocumentChars', 15001);
    expect(result).toMatchObject({ message: 'query document of 15001 characters exceeds the limit of 15000' });
  });

  it('checks the size before parsing: the parser never sees an oversized document', () => {
    const parse = jest.spyOn(Parser.prototype, 'parseDocument');
    try {
      expectRejected(check(paddedQuery(15001)), 'maxDocumentChars', 15001);
      expect(parse).not.toHaveBeenCalled();
      expectOk(check(paddedQuery(15000)));
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('reports the size even when the document is not GraphQL at all, or has too many tokens too', () => {
    expectRejected(check('{'.repeat(15001)), 'maxDocumentChars', 15001);
    const manyTokens = `{ products { ${'id '.repeat(5000)}} }`;
    expectRejected(check(manyTokens), 'maxDocumentChars', manyTokens.length);
  });
});

describe('query limits: tokens (maxTokens, 2,000)', () => {
  it('answers exactly 2,000 tokens and rejects 2,001, with the count', () => {
    expectOk(check(tokenQuery(2000)));
    const result = check(tokenQuery(2001));
    expectRejected(result, 'maxTokens', 2001);
    expect(result).toMatchObject({ message: 'query document of 2001 tokens exceeds the limit of 2000' });
  });

  it('reports the whole count, not where parsing stopped', () => {
    expectRejected(check(tokenQuery(3000)), 'maxTokens', 3000);
  });

  it('does not count comments and commas', () => {
    const commented = `# a comment\n${tokenQuery(2000).replace(/id /g, 'id, ')}\n# another`;
    expect(commented.length).toBeLessThanOrEqual(15000);
    expectOk(check(commented));
  });
});

describe('query limits: depth (maxDepth, 12), fragments expanded', () => {
  it('answers depth 12 and rejects depth 13', () => {
    expectOk(check(deepQuery(12)));
    const result = check(deepQuery(13));
    expectRejected(result, 'maxDepth', 13);
    expect(result).toMatchObject({ message: 'query depth 13 exceeds the limit of 12' });
  });

  it('counts through a fragment spread as if it were written out', () => {
    const viaFragment = (k: number) => `{ organization(id: "x") { ...F } } fragment F on Organization { ${chain(k)} }`;
    expectOk(check(viaFragment(10))); // organization 1 + distributors 10 + name 1 = 12
    expectRejected(check(viaFragment(11)), 'maxDepth', 13);
  });

  it('counts through inline fragments as if they were written out', () => {
    const viaInline = (k: number) => `{ node(id: "x") { ... on Organization { ... { ${chain(k)} } } } }`;
    expectOk(check(viaInline(10))); // node 1 + distributors 10 + name 1 = 12
    expectRejected(check(viaInline(11)), 'maxDepth', 13);
  });

  it('counts through fragments nested in fragments and inline fragments', () => {
    const nested = (k: number) => `{ organization(id: "x") { ...A } } fragment A on Organization { distributors { ... on Organization { ...B } } } fragment B on Organization { ${chain(k)} }`;
    expectOk(check(nested(9))); // organization 1 + distributors 1 + 9 + name 1 = 12
    expectRejected(check(nested(10)), 'maxDepth', 13);
  });

  it('counts a fragment spread at two depths at the deeper one', () => {
    const twice = (k: number) => `{ organization(id: "x") { ...F distributors { distributors { ...F } } } } fragment F on Organization { ${chain(k)} }`;
    expectOk(check(twice(8))); // 1 + 2 + 8 + 1 = 12
    expectRejected(check(twice(9)), 'maxDepth', 13);
  });

  it('honours a custom limit', () => {
    expectRejected(check(deepQuery(5), undefined, undefined, { ...DEFAULT_QUERY_LIMITS, maxDepth: 4 }), 'maxDepth', 5, 4);
  });
});

describe('query limits: aliases (maxAliases, 20), __typename aliases included', () => {
  it('answers 20 aliases and rejects 21', () => {
    expectOk(check(aliasQuery(20)));
    const result = check(aliasQuery(21));
    expectRejected(result, 'maxAliases', 21);
    expect(result).toMatchObject({ message: 'query with 21 aliases exceeds the limit of 20' });
  });

  it('counts __typename aliases too', () => {
    const typenames = (n: number) =>
      `{ ${range(n)
        .map((i) => `t${i}: __typename`)
        .join(' ')} }`;
    expectOk(check(typenames(20)));
    expectRejected(check(typenames(21)), 'maxAliases', 21);
    expectRejected(
      check(
        `{ products { ${range(10)
          .map((i) => `a${i}: id`)
          .join(' ')} ${range(11)
          .map((i) => `t${i}: __typename`)
          .join(' ')} } }`,
      ),
      'maxAliases',
      21,
    );
  });

  it('does not count fields without an alias', () => {
    expectOk(check(`{ ${'__typename '.repeat(10)}products { ${'id sku name licenseModel '.repeat(10)}} }`));
  });

  it('counts the aliases of a fragment at every spread', () => {
    const spreadTwice = (n: number) =>
      `{ products { ...P } viewer { organization { name } } p2: products { ...P } } fragment P on Product { ${range(n)
        .map((i) => `a${i}: sku`)
        .join(' ')} }`;
    expectOk(check(spreadTwice(9))); // 9 + 1 (p2) + 9 = 19
    expectOk(check(`${spreadTwice(9).replace('viewer {', 'v: viewer {')}`)); // 20
    expectRejected(check(spreadTwice(10)), 'maxAliases', 21); // 10 + 1 + 10
  });
});

describe('query limits: directives (maxDirectives, 10)', () => {
  it('answers 10 directives and rejects 11', () => {
    expectOk(check(directiveQuery(10)));
    const result = check(directiveQuery(11));
    expectRejected(result, 'maxDirectives', 11);
    expect(result).toMatchObject({ message: 'query with 11 directives exceeds the limit of 10' });
  });

  it('counts directives on fields, inline fragments, spreads and inside fragments', () => {
    const mixed = (k: number) => `{ products { ... on Product @include(if: true) { ...P @skip(if: false) } } } fragment P on Product { ${'id @skip(if: false) '.repeat(k)}}`;
    expectOk(check(mixed(8))); // 1 + 1 + 8 = 10
    expectRejected(check(mixed(9)), 'maxDirectives', 11);
  });
});

describe('query limits: ids lists (maxIds, 100)', () => {
  const literal = (n: number) => `{ nodes(ids: ${idLiteral(n)}) { id } }`;
  const byVariable = 'query Lookup($ids: [ID!]!) { nodes(ids: $ids) { id } }';

  it('answers a literal list of 100 ids and rejects 101', () => {
    expectOk(check(literal(100)));
    const result = check(literal(101));
    expectRejected(result, 'maxIds', 101);
    expect(result).toMatchObject({ message: 'ids list of 101 items exceeds the limit of 100' });
  });

  it('answers a variable list of 100 ids and rejects 101', () => {
    expectOk(check(byVariable, { ids: idList(100) }));
    expectRejected(check(byVariable, { ids: idList(101) }), 'maxIds', 101);
  });

  it('reads variables given as JSON text (GET requests)', () => {
    expectRejected(check(byVariable, JSON.stringify({ ids: idList(101) })), 'maxIds', 101);
  });

  it("uses a variable's default when the request does not give it, and the request's value when it does", () => {
    const withDefault = `query Lookup($ids: [ID!]! = ${idLiteral(101)}) { nodes(ids: $ids) { id } }`;
    expectRejected(check(withDefault), 'maxIds', 101);
    expectOk(check(withDefault, { ids: idList(5) }));
  });

  it('finds ids arguments inside fragments and inline fragments', () => {
    expectRejected(check(`{ ...Q } fragment Q on Query { ... on Query { nodes(ids: ${idLiteral(101)}) { id } } }`), 'maxIds', 101);
  });

  it('limits each list, not their sum (the node estimate counts them all)', () => {
    expectOk(check(`{ a: nodes(ids: ${idLiteral(100)}) { id } b: nodes(ids: ${idLiteral(100)}) { id } }`), 200);
  });
});

describe('query limits: node estimate (maxNodes, 50,000), GitHub-style', () => {
  it('counts a connection without `first` as 20 nodes (the default page)', () => {
    expect(estimate('{ customers { totalCount } }')).toBe(20);
  });

  it('multiplies `first` down nested connections and adds side by side (literals)', () => {
    const query = `{ customers(first: 50) { nodes { name
      users(first: 5) { nodes { name } }
      licenses(first: 20) { nodes { status activations { nodes { computer { os } } } } } } } }`;
    // customers 50
    // + users: 50 customers × 5 = 250
    // + licenses: 50 customers × 20 = 1,000
    // + activations (no `first`: 20): 50 × 20 licenses × 20 = 20,000
    expect(estimate(query)).toBe(50 + 50 * 5 + 50 * 20 + 50 * 20 * 20);
    expect(estimate(query)).toBe(21_300);
  });

  it('reads `first` from variables', () => {
    const query = `query Dash($c: Int, $u: Int, $l: Int) { customers(first: $c) { nodes {
      users(first: $u) { nodes { name } }
      licenses(first: $l) { nodes { activations { nodes { id } } } } } } }`;
    expect(estimate(query, { c: 50, u: 5, l: 20 })).toBe(21_300);
    // 10 + 10 × 2 + 10 × 3 + 10 × 3 × 20 = 660
    expect(estimate(query, { c: 10, u: 2, l: 3 })).toBe(10 + 10 * 2 + 10 * 3 + 10 * 3 * 20);
    // absent or null variables: the default page of 20 everywhere: 20 + 20 × 20 + 20 × 20 + 20 × 20 × 20 = 8,820
    expect(estimate(query, {})).toBe(20 + 20 * 20 + 20 * 20 + 20 * 20 * 20);
    expect(estimate(query, { c: null, u: null, l: null })).toBe(8_820);
  });

  it("uses a variable's default value", () => {
    const query = `query Dash($c: Int = 50, $u: Int = 5, $l: Int = 20) { customers(first: $c) { nodes {
      users(first: $u) { nodes { name } }
      licenses(first: $l) { nodes { activations { nodes { id } } } } } } }`;
    expect(estimate(query)).toBe(21_300);
    expect(estimate(query, { c: 1 })).toBe(1 + 1 * 5 + 1 * 20 + 1 * 20 * 20);
  });

  it("caps a factor at 100 (a larger `first` is the resolver's BAD_USER_INPUT)", () => {
    expect(estimate('{ customers(first: 1000) { nodes { licenses(first: 500) { totalCount } } } }')).toBe(100 + 100 * 100);
  });

  it('counts connections under edges { node } like under nodes', () => {
    expect(estimate('{ customers(first: 10) { edges { node { licenses(first: 10) { totalCount } } } } }')).toBe(10 + 10 * 10);
  });

  it('counts plain lists and objects as a factor of 1 that adds nothing itself', () => {
    expect(estimate('{ products { id name } viewer { organization { contracts { id } distributors { name } } } }')).toBe(0);
    expect(estimate('{ organization(id: "x") { distributors { customers(first: 10) { nodes { contracts { id } } } } } }')).toBe(10);
  });

  it('expands fragments and inline fragments', () => {
    const query = `{ customers(first: 10) { nodes { ...L ... on Organization { users(first: 3) { totalCount } } } } }
      fragment L on Organization { licenses(first: 4) { totalCount } }`;
    expect(estimate(query)).toBe(10 + 10 * 4 + 10 * 3);
  });

  it('counts nodes(ids:) as one node per id, multiplying what is below', () => {
    expect(estimate(`{ nodes(ids: ${idLiteral(3)}) { ... on Organization { customers(first: 10) { totalCount } } } }`)).toBe(3 + 3 * 10);
  });

  it('answers an estimate of exactly 50,000 and rejects 50,001', () => {
    // 5 × organizations(first: 100) › customers(first: 99): 5 × (100 + 100 × 99) = 50,000
    const fifty = range(5)
      .map((i) => `o${i}: organizations(first: 100) { nodes { customers(first: 99) { totalCount } } }`)
      .join(' ');
    expectOk(check(`{ ${fifty} }`), 50_000);
    const result = check(`{ ${fifty} licenses(first: 1) { totalCount } }`);
    expectRejected(result, 'maxNodes', 50_001);
    expect(result).toMatchObject({ message: 'query node estimate 50001 exceeds the limit of 50000' });
  });

  it('rejects the classic nested-connection bomb', () => {
    expectRejected(
      check('{ organizations(first: 100) { nodes { customers(first: 100) { nodes { licenses(first: 100) { nodes { activations(first: 100) { totalCount } } } } } } } }'),
      'maxNodes',
      100 + 100 ** 2 + 100 ** 3 + 100 ** 4,
    );
  });

  it('measures fragments that spread each other many times in linear time', () => {
    // F1 spreads F2 twenty times, F2 spreads F3 twenty times, …: written out, 20^9 copies of F10.
    const fragments = range(9)
      .map((i) => `fragment F${i + 1} on Organization { distributors { ${`...F${i + 2} `.repeat(20)}} }`)
      .join('\n');
    const query = `{ organization(id: "x") { ...F1 } }\n${fragments}\nfragment F10 on Organization { name }`;
    // Written out it would never finish: the test's own time limit is the proof (no timing here).
    expectOk(check(query), 0);
  });
});

describe('query limits: the seed dashboard query', () => {
  it('stays well inside every limit (each measured value under 3/4 of its limit)', () => {
    const measured = {
      maxDocumentChars: measure(DASHBOARD, 'maxDocumentChars'),
      maxTokens: measure(DASHBOARD, 'maxTokens'),
      maxDepth: measure(DASHBOARD, 'maxDepth'),
      maxAliases: measure(DASHBOARD, 'maxAliases'),
      maxDirectives: measure(DASHBOARD, 'maxDirectives'),
      maxIds: measure(DASHBOARD, 'maxIds'),
      maxNodes: measure(DASHBOARD, 'maxNodes'),
    };
    expect(measured).toEqual({
      maxDocumentChars: DASHBOARD.length,
      maxTokens: countTokens(DASHBOARD),
      maxDepth: 8, // customers › nodes › licenses › nodes › activations › nodes › computer › os
      maxAliases: 0,
      maxDirectives: 0,
      maxIds: 0,
      maxNodes: 50 + 50 * 5 + 50 * 20 + 50 * 20 * 20, // 21,300
    });
    for (const [limit, value] of Object.entries(measured)) {
      expect(`${limit}: ${value <= 0.75 * DEFAULT_QUERY_LIMITS[limit as keyof QueryLimits]}`).toBe(`${limit}: true`);
    }
    expect(check(DASHBOARD)).toEqual({ kind: 'ok', operation: 'query', operationName: null, nodeEstimate: 21_300 });
  });
});

describe('query limits: operations', () => {
  it('a mutation yields operation "mutation"', () => {
    expect(check('mutation Run { runRetention(input: { dryRun: true }) { report { people computers } } }')).toEqual({
      kind: 'ok',
      operation: 'mutation',
      operationName: 'Run',
      nodeEstimate: 0,
    });
  });

  it('a query yields operation "query"', () => {
    expect(check('{ viewer { role } }')).toEqual({ kind: 'ok', operation: 'query', operationName: null, nodeEstimate: 0 });
  });

  it('measures only the operation that would execute', () => {
    const doc = `query Deep { organization(id: "x") { ${chain(20)} } } query Shallow { viewer { role } }`;
    expect(check(doc, undefined, 'Shallow')).toEqual({ kind: 'ok', operation: 'query', operationName: 'Shallow', nodeEstimate: 0 });
    expectRejected(check(doc, undefined, 'Deep'), 'maxDepth', 22);
  });

  it('reports the first limit exceeded, in the documented order', () => {
    const both = `{ ${range(21)
      .map((i) => `t${i}: __typename`)
      .join(' ')} organization(id: "x") { ${chain(12)} } }`;
    expect(check(both)).toMatchObject({ kind: 'rejected', limit: 'maxDepth' });
  });

  it.each<[string, GraphQLParams]>([
    ['no query', {}],
    ['a query that is not a string', { query: 42 }],
    ['a syntax error', { query: '{ viewer { role }' }],
    ['an unknown operation name', { query: 'query A { viewer { role } }', operationName: 'B' }],
    ['several operations and no name', { query: 'query A { viewer { role } } query B { products { id } }' }],
    ['an operation name that is not a string', { query: 'query A { viewer { role } }', operationName: 7 }],
    ['a subscription (the schema has none)', { query: 'subscription { viewer { role } }' }],
    ['fragments only', { query: 'fragment F on Query { viewer { role } }' }],
  ])('leaves %s to Apollo (not-analyzable)', (_name, params) => {
    expect(checkQuery(schema, params)).toEqual({ kind: 'not-analyzable' });
  });
});

describe('repeated fields', () => {
  it('accepts 10 fields under one name in a selection set, and refuses 11 (graphql-js validates them pairwise)', () => {
    const schema = buildHubSchema();
    const ten = checkQuery(schema, { query: `{ products { ${'sku '.repeat(10)} } }` });
    expect(ten.kind).toBe('ok');
    const eleven = checkQuery(schema, { query: `{ products { ${'sku '.repeat(11)} } }` });
    expect(eleven).toMatchObject({ kind: 'rejected', limit: 'maxRepeatedFields', max: 10, actual: 11 });
  });

  it('refuses 1,990 copies of one field by their count, before the pairwise validation runs', () => {
    const r = checkQuery(buildHubSchema(), { query: `{ products { ${'sku '.repeat(1990)} } }` });
    expect(r).toMatchObject({ kind: 'rejected', limit: 'maxRepeatedFields', actual: 1990 });
  });
});
