import 'reflect-metadata';
import { computerId, orgId, PERSONAS, userId } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { ON_MYSQL } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';
import { expectBadInput, walkPages } from '../helpers/relay';

/**
 * Issue #13, incremental sync: updatedAt is set by the database on every write, whatever path
 * wrote the row (a mutation through the API, raw SQL), with milliseconds; updatedSince
 * (inclusive) returns what changed and nothing else, on every list that has it.
 */

type Row = { id: string; updatedAt: string };

const LISTS: Record<string, { query: string; pick: (d: any) => any }> = {
  organizations: { query: `query($first: Int, $after: String, $since: DateTimeISO) { organizations(first: $first, after: $after, updatedSince: $since) { ${page()} } }`, pick: (d) => d.organizations },
  customers: { query: `query($first: Int, $after: String, $since: DateTimeISO) { customers(first: $first, after: $after, updatedSince: $since) { ${page()} } }`, pick: (d) => d.customers },
  users: { query: `query($first: Int, $after: String, $since: DateTimeISO) { users(first: $first, after: $after, filter: { updatedSince: $since }) { ${page()} } }`, pick: (d) => d.users },
  licenses: { query: `query($first: Int, $after: String, $since: DateTimeISO) { licenses(first: $first, after: $after, filter: { updatedSince: $since }) { ${page()} } }`, pick: (d) => d.licenses },
  contracts: { query: `query($first: Int, $after: String, $since: DateTimeISO) { contracts(first: $first, after: $after, filter: { updatedSince: $since }) { ${page()} } }`, pick: (d) => d.contracts },
  computers: { query: `query($first: Int, $after: String, $since: DateTimeISO) { computers(first: $first, after: $after, filter: { updatedSince: $since }) { ${page()} } }`, pick: (d) => d.computers },
  activations: {
    query: `query($first: Int, $after: String, $since: DateTimeISO) { activations(first: $first, after: $after, filter: { updatedSince: $since }) { ${page()} } }`,
    pick: (d) => d.activations,
  },
};

function page() {
  return 'totalCount pageInfo { hasNextPage endCursor } nodes { id updatedAt }';
}

const ms = (iso: string) => new Date(iso).getTime();
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

describe(`incremental sync (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;

  async function rows(list: string, since?: string): Promise<Row[]> {
    const { query, pick } = LISTS[list];
    const pages = await walkPages<Row>(admin, query, pick, 100, since ? { since } : {});
    return pages.flatMap((p) => p.nodes);
  }

  beforeAll(async () => {
    hub = await TestHub.start('sync');
    admin = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());

  it('every row has an updatedAt with milliseconds, and updatedSince after the greatest one returns nothing', async () => {
    for (const list of Object.keys(LISTS)) {
      const all = await rows(list);
      expect([list, all.length > 0]).toEqual([list, true]);
      for (const r of all) expect(r.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const max = Math.max(...all.map((r) => ms(r.updatedAt)));
      expect([list, await rows(list, new Date(max + 1).toISOString())]).toEqual([list, []]);
      // Inclusive: asking from the greatest instant returns the rows of that millisecond again.
      const again = await rows(list, new Date(max).toISOString());
      expect([list, again.map((r) => r.id).sort()]).toEqual([
        list,
        all
          .filter((r) => ms(r.updatedAt) === max)
          .map((r) => r.id)
          .sort(),
      ]);
    }
  });

  it('a write through the API moves updatedAt (database time, not the request clock); the row is in updatedSince, untouched rows are not', async () => {
    const since: Record<string, string> = {};
    for (const list of Object.keys(LISTS)) since[list] = new Date(Math.max(...(await rows(list)).map((r) => ms(r.updatedAt))) + 1).toISOString();
    await sleep(5);

    const customer = toGlobalId('Organization', orgId('rhein-c1'));
    const person = toGlobalId('PortalUser', userId('user@rhein-c1.example'));
    await admin.data(`mutation($id: ID!) { updateOrganization(input: { organizationId: $id, name: "Rhein Customer One (renamed)" }) { organization { id } } }`, { id: customer });
    await admin.data(`mutation($id: ID!) { updateUser(input: { userId: $id, name: "Renamed Person" }) { user { id } } }`, { id: person });
    const license = (await admin.data(`query { licenses(first: 1, filter: { status: ALLOCATED, customerId: "${customer}" }) { nodes { id activations(first: 10) { nodes { id deactivatedAt } } } } }`))
      .licenses.nodes[0];
    await admin.data(`mutation($id: ID!) { revokeLicense(input: { licenseId: $id, reason: "sync test" }) { license { id } } }`, { id: license.id });
    const draft = (await admin.data(`query { contracts(first: 50, filter: { statuses: [DRAFT] }) { nodes { id } } }`)).contracts.nodes[0];
    await admin.data(`mutation($id: ID!, $at: DateTimeISO!) { signContract(input: { contractId: $id, signedAt: $at }) { contract { id } } }`, { id: draft.id, at: hub.now.toISOString() });

    const changed = async (list: string) => (await rows(list, since[list])).map((r) => r.id).sort();
    expect(await changed('organizations')).toEqual([customer]);
    expect(await changed('customers')).toEqual([customer]);
    expect(await changed('users')).toEqual([person]);
    expect(await changed('licenses')).toEqual([license.id]);
    expect(await changed('contracts')).toEqual([draft.id]);
    // Revoking ended the license's active activations: those moved too, and only those.
    const ended = license.activations.nodes.filter((a: { deactivatedAt: string | null }) => a.deactivatedAt === null).map((a: { id: string }) => a.id);
    expect(ended.length).toBeGreaterThan(0);
    expect(await changed('activations')).toEqual(ended.sort());
    expect(await changed('computers')).toEqual([]);

    // The database's clock, not the request's (the test clock stands at 2026-11-27).
    const renamed = (await rows('organizations', since.organizations))[0];
    expect(ms(renamed.updatedAt)).toBeGreaterThan(hub.now.getTime());
    expect(ms(renamed.updatedAt)).toBeGreaterThanOrEqual(ms(since.organizations));
  });

  it('a write by raw SQL, outside the hub, moves updatedAt too (set by the database itself)', async () => {
    const all = await rows('computers');
    const since = new Date(Math.max(...all.map((r) => ms(r.updatedAt))) + 1).toISOString();
    await sleep(5);
    const raw = computerId('alpen-c2', 1);
    await hub.dataSource.query('UPDATE `computer` SET os = ? WHERE id = ?', ['Linux (raw)', raw]);
    const changed = await rows('computers', since);
    expect(changed.map((r) => r.id)).toEqual([toGlobalId('Computer', raw)]);
    expect(ms(changed[0].updatedAt)).toBeGreaterThanOrEqual(ms(since));
  });

  it('updatedSince must be an instant', async () => {
    const r = await admin.gql(`query { licenses(first: 1, filter: { updatedSince: "yesterday" }) { nodes { id } } }`);
    expect(r.body.data ?? null).toBeNull();
    expect(r.body.errors?.length).toBeGreaterThan(0);
    // A well-formed filter on the same list answers.
    expectBadInput(await admin.gql(`query { licenses(first: 1, filter: { productIds: [] }) { nodes { id } } }`), 'filter.productIds');
  });
});
