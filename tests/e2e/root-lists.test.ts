import 'reflect-metadata';
import { orgId, PERSONAS } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, TestHub } from '../helpers/hub';
import { personalValuesFor } from '../helpers/personal-values';
import { expectBadInput, onlyError, walkPages } from '../helpers/relay';
import { findValues } from '../helpers/side-channel-scan';

/**
 * Issue #13, dashboards: computers and activations as root lists, in the same row scope as every
 * other path (compared with the database, persona by persona) and with the same field rules: a
 * gated distributor lists its customers' computers and activations but gets none of their
 * personal data.
 */

const COMPUTERS = `query($first: Int, $after: String, $filter: ComputerFilter) { computers(first: $first, after: $after, filter: $filter) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id os name hostId organization { id } } } }`;
const ACTIVATIONS = `query($first: Int, $after: String, $filter: ActivationFilter) { activations(first: $first, after: $after, filter: $filter) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id deactivatedAt license { id } computer { id } } } }`;

type Computer = { id: string; name: string | null; hostId: string | null; organization: { id: string } | null };
type Activation = { id: string; deactivatedAt: string | null; license: { id: string } | null; computer: { id: string } | null };

const gid = (type: 'Computer' | 'Activation', rows: { id: string }[]) => rows.map((r) => toGlobalId(type, String(r.id))).sort();
const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

describe(`root lists of computers and activations (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;

  async function list<N>(client: Client, query: string, pick: (d: any) => any, filter?: Record<string, unknown>): Promise<{ nodes: N[]; totalCount: number }> {
    const pages = await walkPages<N>(client, query, pick, 50, filter ? { filter } : {});
    return { nodes: pages.flatMap((p) => p.nodes), totalCount: pages[0].totalCount };
  }
  const computers = (c: Client, filter?: Record<string, unknown>) => list<Computer>(c, COMPUTERS, (d) => d.computers, filter);
  const activations = (c: Client, filter?: Record<string, unknown>) => list<Activation>(c, ACTIVATIONS, (d) => d.activations, filter);
  const sql = (q: string, p: unknown[] = []) => hub.dataSource.query<{ id: string }[]>(q, p);

  beforeAll(async () => {
    hub = await TestHub.start('root_lists');
  });
  afterAll(() => hub?.close());

  it('vendor roles list every computer and activation', async () => {
    const admin = await hub.as(PERSONAS.vendorAdmin);
    const c = await computers(admin);
    expect(ids(c.nodes)).toEqual(gid('Computer', await sql('SELECT id FROM `computer`')));
    expect(c.totalCount).toBe(c.nodes.length);
    const a = await activations(admin);
    expect(ids(a.nodes)).toEqual(gid('Activation', await sql('SELECT id FROM `activation`')));
    expect(a.nodes.every((n) => n.computer !== null && n.license !== null)).toBe(true);
  });

  it('a distributor lists the computers and activations of the licenses it holds, no more; its gate open, it reads their names', async () => {
    const rhein = await hub.as(PERSONAS.distributors.rhein.admin);
    const c = await computers(rhein);
    const want = await sql('SELECT DISTINCT a.computerId AS id FROM `activation` a JOIN `license` l ON l.id = a.licenseId WHERE l.distributorId = ?', [orgId('rhein')]);
    expect(want.length).toBeGreaterThan(0);
    expect(ids(c.nodes)).toEqual(gid('Computer', want));
    expect(c.nodes.every((n) => typeof n.name === 'string' && typeof n.hostId === 'string')).toBe(true);
    const a = await activations(rhein);
    expect(ids(a.nodes)).toEqual(gid('Activation', await sql('SELECT a.id FROM `activation` a JOIN `license` l ON l.id = a.licenseId WHERE l.distributorId = ?', [orgId('rhein')])));
  });

  it('a gated distributor (mumbai) lists its rows, but no personal value of its customers is in the answer', async () => {
    const mumbai = await hub.as(PERSONAS.distributors.mumbai.admin);
    const values = (await personalValuesFor(hub.dataSource, orgId('mumbai'))).values;
    const want = await sql('SELECT DISTINCT a.computerId AS id FROM `activation` a JOIN `license` l ON l.id = a.licenseId WHERE l.distributorId = ?', [orgId('mumbai')]);
    expect(want.length).toBeGreaterThan(0);
    const r = await mumbai.gql(
      `query { computers(first: 100) { totalCount nodes { id os name hostId activations(first: 10) { nodes { id activatedBy { id name email } } } } }
               activations(first: 100) { totalCount nodes { id activatedBy { id name email phone } computer { id name hostId organization { id name email phone users(first: 5) { nodes { name email } } } } } } }`,
    );
    expect(r.status).toBe(200);
    expect(ids(r.body.data.computers.nodes)).toEqual(gid('Computer', want));
    expect(r.body.data.activations.nodes.length).toBeGreaterThan(0);
    for (const n of r.body.data.computers.nodes) expect([n.name, n.hostId]).toEqual([null, null]);
    const gate = (r.body.errors ?? []).filter((e) => e.extensions?.code === 'TRANSFER_BASIS_REQUIRED');
    expect(gate.length).toBeGreaterThan(0);
    expect(codes(r).every((c) => c === 'TRANSFER_BASIS_REQUIRED')).toBe(true);
    expect(findValues('mumbai root lists', JSON.stringify(r.body), r.headers, values)).toEqual([]);
  });

  it('a customer lists only its own computers and the activations on them; another customer as a filter is simply empty', async () => {
    const customer = await hub.as(PERSONAS.customer('rhein-c1').admin);
    const own = await computers(customer);
    expect(ids(own.nodes)).toEqual(gid('Computer', await sql('SELECT id FROM `computer` WHERE organizationId = ?', [orgId('rhein-c1')])));
    const a = await activations(customer);
    expect(ids(a.nodes)).toEqual(gid('Activation', await sql('SELECT a.id FROM `activation` a JOIN `license` l ON l.id = a.licenseId WHERE l.customerId = ?', [orgId('rhein-c1')])));
    const other = toGlobalId('Organization', orgId('alpen-c1'));
    expect((await computers(customer, { customerId: other })).nodes).toEqual([]);
    expect((await activations(customer, { customerId: other })).nodes).toEqual([]);
  });

  it('the filters agree with the nested lists and with the rows', async () => {
    const admin = await hub.as(PERSONAS.vendorAdmin);
    const customer = toGlobalId('Organization', orgId('rhein-c1'));
    const nested = await admin.data(
      `query($id: ID!) { organization(id: $id) { computers(first: 100) { nodes { id } } licenses(first: 100) { nodes { id activations(first: 100) { nodes { id deactivatedAt computer { id } } } } } } }`,
      { id: customer },
    );
    expect(ids((await computers(admin, { customerId: customer })).nodes)).toEqual(ids(nested.organization.computers.nodes));
    const byLicense = nested.organization.licenses.nodes.find((l: { activations: { nodes: unknown[] } }) => l.activations.nodes.length > 0);
    const acts: Activation[] = byLicense.activations.nodes;
    expect(ids((await activations(admin, { licenseId: byLicense.id })).nodes)).toEqual(ids(acts));
    expect(ids((await computers(admin, { licenseId: byLicense.id })).nodes)).toEqual([...new Set(acts.map((x) => x.computer!.id))].sort());
    const all = await activations(admin);
    expect(ids((await activations(admin, { active: true })).nodes)).toEqual(ids(all.nodes.filter((x) => x.deactivatedAt === null)));
    expect(ids((await activations(admin, { active: false })).nodes)).toEqual(ids(all.nodes.filter((x) => x.deactivatedAt !== null)));
    const computer = acts[0].computer!.id;
    expect(ids((await activations(admin, { computerId: computer })).nodes)).toEqual(ids(all.nodes.filter((x) => x.computer?.id === computer)));
    expect(ids((await activations(admin, { customerId: customer })).nodes)).toEqual(
      ids(all.nodes.filter((x) => nested.organization.computers.nodes.some((c: { id: string }) => c.id === x.computer?.id))),
    );
    expectBadInput(await admin.gql(`query { computers(filter: { licenseId: "nope" }) { nodes { id } } }`), 'filter.licenseId');
    expectBadInput(await admin.gql(`query { activations(filter: { customerId: "${toGlobalId('License', 'x')}" }) { nodes { id } } }`), 'filter.customerId');
  });

  it('an API key without licenses:read is refused (FORBIDDEN), not given an empty list', async () => {
    const { secret } = await createApiKey(hub.dataSource, { org: 'rhein', scopes: ['customers:read'] });
    const key = hub.withToken(secret);
    onlyError(await key.gql(`query { computers { nodes { id } } }`), 'FORBIDDEN');
    onlyError(await key.gql(`query { activations { nodes { id } } }`), 'FORBIDDEN');
  });
});
