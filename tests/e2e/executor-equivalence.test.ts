import 'reflect-metadata';
import { loadConfig } from '../../src/config';
import { createHub, Hub } from '../../src/http/hub-server';
import { orgId, PERSONAS } from '../../seeds/personas';
import { gid } from '../helpers/authz';
import { ON_MYSQL } from '../helpers/database';
import { takeCost, TestHub } from '../helpers/hub';

/**
 * GRAPHQL_EXECUTOR (src/executor.ts): graphql-jit must answer exactly what graphql-js answers,
 * refusals included. Two hubs on one database, one per executor, are sent the same requests as
 * the same personas; their answers must be the same text (key order included) and the same
 * status, the errors compared in a sorted order. Only what differs by request anyway is left
 * out: extensions.cost (the budget left) and request ids in internal errors (none are expected).
 */

const DASHBOARD = `query Dashboard($first: Int) {
  viewer { role organization { name transferBasis { allowed basis reason denialReason } } }
  customers(first: $first) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name email phone } }
    nodes {
      __typename id name country
      users(first: 5) { totalCount nodes { id name email phone role status } }
      licenses(first: 20) { nodes { id status seats seatsUsed validFrom validUntil product { sku name } licensee { email }
        activations(first: 4) { nodes { id activatedAt deactivatedAt computer { id os name hostId } activatedBy { email } } } } }
    }
  }
  licenseSummary { total expiringSoon seats { total used } byProduct { product { sku } licenses seats seatsUsed } byStatus { status count } }
}`;

const FRAGMENTS = `query Fragments($withUsers: Boolean!, $skipLicenses: Boolean!) {
  first: customers(first: 3) { nodes { ...Customer } }
  again: customers(first: 2, orderBy: { field: NAME, direction: DESC }) { nodes { id ... on Organization { name } } }
}
fragment Customer on Organization {
  id name
  users(first: 2) @include(if: $withUsers) { nodes { ...Person } }
  licenses(first: 2) @skip(if: $skipLicenses) { nodes { status } }
}
fragment Person on PortalUser { name email }`;

interface Case {
  name: string;
  as: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

const rhein = PERSONAS.distributors.rhein.admin;
const mumbai = PERSONAS.distributors.mumbai.admin;

const CASES: Case[] = [
  { name: 'the dashboard of an open gate', as: rhein, query: DASHBOARD, variables: { first: 50 } },
  { name: 'the dashboard of a closed gate (refusals, transferGates)', as: mumbai, query: DASHBOARD, variables: { first: 50 } },
  { name: 'the dashboard as the vendor admin', as: PERSONAS.vendorAdmin, query: DASHBOARD, variables: { first: 10 } },
  { name: 'fragments, aliases, @include and @skip', as: rhein, query: FRAGMENTS, variables: { withUsers: true, skipLicenses: false } },
  { name: 'the same with the directives turned', as: mumbai, query: FRAGMENTS, variables: { withUsers: true, skipLicenses: true } },
  {
    name: 'node and nodes: a node of each kind, an unknown id, a malformed id',
    as: PERSONAS.vendorAdmin,
    query: `query($ids: [ID!]!, $id: ID!) { node(id: $id) { __typename id ... on Organization { name } } nodes(ids: $ids) { __typename id ... on Organization { name country } } }`,
    variables: { id: gid('Organization', orgId('rhein')), ids: [gid('Organization', orgId('mumbai')), 'nope', gid('Organization', '018f0000-0000-7000-8000-000000000000')] },
  },
  { name: 'a field refused by role (the audit trail as a distributor)', as: rhein, query: '{ auditEvents(first: 1) { nodes { action } } viewer { role } }' },
  { name: 'bad arguments named at their field', as: rhein, query: '{ customers(first: 0) { nodes { id } } }' },
  { name: 'a variable of the wrong type (400)', as: rhein, query: 'query($first: Int) { customers(first: $first) { nodes { id } } }', variables: { first: 'ten' } },
  { name: 'a missing required variable (400)', as: rhein, query: 'query($id: ID!) { node(id: $id) { id } }', variables: {} },
  { name: 'a cursor of another list', as: rhein, query: '{ customers(first: 2, after: "bm90LWEtY3Vyc29y") { nodes { id } } }' },
  {
    name: 'a refused mutation',
    as: rhein,
    query: 'mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }',
    variables: { input: { distributorId: gid('Organization', orgId('rhein')), type: 'SCC_2021', effectiveFrom: '2026-01-01T00:00:00.000Z' } },
  },
  {
    name: 'a mutation with bad input',
    as: PERSONAS.vendorAdmin,
    query: 'mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }',
    variables: { input: { distributorId: 'nope', type: 'SCC_2021', effectiveFrom: '2026-01-01T00:00:00.000Z' } },
  },
  { name: 'an empty operationName', as: rhein, query: '{ products { sku } }', operationName: '' },
  { name: 'an unknown operationName', as: rhein, query: 'query A { products { sku } } query B { viewer { role } }', operationName: 'C' },
  { name: 'one of two operations by name', as: rhein, query: 'query A { products { sku } } query B { viewer { role } }', operationName: 'B' },
  { name: 'introspection of the types', as: rhein, query: '{ __schema { queryType { name } types { name kind } } __type(name: "License") { fields { name type { name kind ofType { name } } } } }' },
];

describe(`graphql-jit answers as graphql-js (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let reference: TestHub;
  let compiled: Hub;
  let compiledUrl: string;

  beforeAll(async () => {
    reference = await TestHub.start('executor_equivalence', { GRAPHQL_EXECUTOR: 'graphql-js' });
    expect(reference.config.executor).toBe('graphql-js');
    const config = loadConfig({ ...reference.env, GRAPHQL_EXECUTOR: 'jit' });
    expect(config.executor).toBe('jit');
    compiled = await createHub({ config, dataSource: reference.dataSource, clock: () => reference.now });
    compiledUrl = `http://127.0.0.1:${await compiled.listen(0)}`;
  });
  afterAll(async () => {
    await compiled?.close();
    await reference?.close();
  });

  async function answer(url: string, token: string, c: Case): Promise<{ status: number; text: string }> {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...reference.defaultHeaders() },
      body: JSON.stringify({ query: c.query, variables: c.variables, operationName: c.operationName }),
    });
    const { body } = takeCost(JSON.parse(await res.text()) as { errors?: unknown[] });
    // Errors in a stable order: the spec leaves their order open, and it follows the order in
    // which the database's answers arrive (different between two runs on MariaDB). Each error,
    // the data and the extensions are compared as text.
    const errors = body.errors?.map((e) => JSON.stringify(e)).sort();
    return { status: res.status, text: JSON.stringify({ ...body, errors }) };
  }

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const token = await reference.tokenFor(c.as);
    // Twice each: the second request runs graphql-jit's compiled operation from its cache.
    for (let round = 0; round < 2; round++) {
      const expected = await answer(reference.url, token, c);
      const actual = await answer(compiledUrl, token, c);
      expect(actual).toEqual(expected);
      expect(expected.text).not.toContain('INTERNAL_SERVER_ERROR');
    }
  });

  it('the cases cover data, refusals by the gate and by role, input errors and 400s', async () => {
    const seen = new Set<string>();
    for (const c of CASES) {
      const r = await answer(compiledUrl, await reference.tokenFor(c.as), c);
      const body = JSON.parse(r.text) as { data?: unknown; errors?: string[] };
      if (body.data) seen.add('data');
      if (r.status === 400) seen.add('400');
      for (const e of body.errors ?? []) seen.add(String((JSON.parse(e) as { extensions?: { code?: string } }).extensions?.code));
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining(['400', 'BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'TRANSFER_BASIS_REQUIRED', 'data']));
  });
});
