import 'reflect-metadata';
import { SecretBox } from '../../src/common/secret-box';
import { readJurisdictionSeed } from '../../src/modules/jurisdiction/jurisdiction.service';
import { DISTRIBUTOR_SLUGS, PERSONAS, SEED_COUNTS } from '../../seeds/personas';
import { seedWorld } from '../../seeds/seed-world';
import { ON_MYSQL, seededDatabase } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';
import { countRows, snapshot } from '../helpers/table-snapshot';

describe(`the seed world (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;

  beforeAll(async () => {
    hub = await TestHub.start('seed');
    admin = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());

  // The database-level checks run before any request, so that nothing a request writes (audit) counts.

  it('a fresh database holds exactly SEED_COUNTS rows per seeded table, the jurisdiction facts, and nothing else', async () => {
    const counts: Record<string, number> = {};
    for (const table of Object.keys(SEED_COUNTS)) counts[table] = await countRows(hub.dataSource, table);
    expect(counts).toEqual(SEED_COUNTS);
    const facts = readJurisdictionSeed();
    expect(await countRows(hub.dataSource, 'jurisdiction_rule')).toBe(facts.rules.length);
    expect(await countRows(hub.dataSource, 'transfer_mechanism')).toBe(facts.mechanisms.length);
    expect(await countRows(hub.dataSource, 'api_key')).toBe(0);
    expect(await countRows(hub.dataSource, 'audit_event')).toBe(0);
  });

  it('is the same on every run: a second fresh database seeded the same way is identical, row for row', async () => {
    const second = await seededDatabase('seed-second');
    try {
      // updatedAt is the database's clock at the insert (docs/data-model.md), not seed data: the
      // second database was written later. Everything else is identical.
      expect(await snapshot(second.dataSource, ['updatedAt'])).toEqual(await snapshot(hub.dataSource, ['updatedAt']));
    } finally {
      await second.dataSource.destroy();
    }
  });

  it('running seedWorld a second time changes nothing: same counts and the same checksum of every row of every table', async () => {
    const before = await snapshot(hub.dataSource);
    const returned = await seedWorld(hub.dataSource, new SecretBox(hub.config.secretsKey));
    const after = await snapshot(hub.dataSource);
    expect(returned).toEqual(SEED_COUNTS);
    for (const [table, n] of Object.entries(SEED_COUNTS)) expect([table, before[table]?.rows]).toEqual([table, n]);
    expect(after).toEqual(before);
    expect(Object.keys(after)).toEqual(expect.arrayContaining([...Object.keys(SEED_COUNTS), 'jurisdiction_rule', 'transfer_mechanism']));
  });

  it('running seedWorld again with another SECRETS_KEY changes nothing either (rows present are left as they are)', async () => {
    const before = await snapshot(hub.dataSource);
    await seedWorld(hub.dataSource, new SecretBox('another-secrets-key-for-this-test-0123456789'));
    expect(await snapshot(hub.dataSource)).toEqual(before);
  });

  // What the vendor admin sees of it.

  it('has 35 organizations: 1 vendor, 11 distributors, 23 customers', async () => {
    const data = await admin.data(`{
      all: organizations { totalCount }
      vendor: organizations(kind: VENDOR) { totalCount nodes { name country } }
      distributors: organizations(kind: DISTRIBUTOR) { totalCount }
      customers: organizations(kind: CUSTOMER) { totalCount }
    }`);
    expect(data.all.totalCount).toBe(35);
    expect(data.vendor).toEqual({ totalCount: 1, nodes: [{ name: 'MOBOTIX AG', country: 'DE' }] });
    expect(data.distributors.totalCount).toBe(11);
    expect(data.customers.totalCount).toBe(23);
  });

  it('every distributor has 10 licenses: 4 REGISTERED, 4 ALLOCATED, 1 EXPIRED, 1 REVOKED', async () => {
    const data = await admin.data(`{ organizations(kind: DISTRIBUTOR) { nodes { name licenses(first: 20) { totalCount nodes { status } } } } }`);
    expect(data.organizations.nodes).toHaveLength(DISTRIBUTOR_SLUGS.length);
    for (const d of data.organizations.nodes) {
      const byStatus: Record<string, number> = {};
      for (const l of d.licenses.nodes) byStatus[l.status] = (byStatus[l.status] ?? 0) + 1;
      expect({ name: d.name, total: d.licenses.totalCount, byStatus }).toEqual({
        name: d.name,
        total: 10,
        byStatus: { REGISTERED: 4, ALLOCATED: 4, EXPIRED: 1, REVOKED: 1 },
      });
    }
  });

  it("every user's e-mail, and every organization's, is on the .example domain", async () => {
    const data = await admin.data(`{ organizations(first: 100) { nodes { email users(first: 100) { totalCount nodes { email } } } } }`);
    const users: string[] = data.organizations.nodes.flatMap((o: { users: { nodes: { email: string }[] } }) => o.users.nodes.map((u) => u.email));
    expect(users).toHaveLength(SEED_COUNTS.portal_user);
    expect(users.filter((e) => !/^[^@\s]+@[a-z0-9-]+\.example$/.test(e))).toEqual([]);
    expect(new Set(users).size).toBe(users.length);
    const orgEmails: string[] = data.organizations.nodes.map((o: { email: string }) => o.email);
    expect(orgEmails.filter((e) => !e || !e.endsWith('.example'))).toEqual([]);
    // And in the table itself, whoever may read it.
    const [row] = await hub.dataSource.query(`SELECT COUNT(*) AS n FROM portal_user WHERE email NOT LIKE '%.example'`);
    expect(Number(row.n)).toBe(0);
  });
});
