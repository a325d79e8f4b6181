import { LICENSE_CASES, PERSONAS, SEED_DATES } from '../../seeds/personas';
import { computerId } from '../../seeds/personas';
import { Computer } from '../../src/modules/computer/computer.entity';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, TestHub } from '../helpers/hub';
import { ACTIVATE, allocatedFresh, auditOf, computer, ids, LICENSE, onlyError, registerFresh, requestIdOf, writeCounts } from '../helpers/licenses';

/**
 * activateLicense (issue #4 item 3): a customer's user activates an allocated license on a
 * computer, created or reused by its host id; idempotent; refused with CONFLICT and the reason
 * for a license that is not allocated, expired (derived from the clock), revoked or full.
 */
describe(`activateLicense (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;
  let c1: Client;
  const RHEIN_C1 = ids.org('rhein-c1');
  const C1_USER = PERSONAS.customer('rhein-c1').user;

  beforeAll(async () => {
    hub = await TestHub.start('license_activation');
    admin = await hub.as(PERSONAS.vendorAdmin);
    c1 = await hub.as(C1_USER);
  });
  afterAll(() => hub?.close());

  const activate = (client: Client, licenseId: string, pc: Record<string, string>) => client.gql(ACTIVATE, { input: { licenseId, computer: pc } });

  it("activates an ALLOCATED license on a new computer of the customer's, and records license.activated", async () => {
    const [licenseId] = await allocatedFresh(hub, 'rhein-c1', { distributor: 'rhein', seats: 3 });
    const before = await writeCounts(hub.dataSource);
    const r = await activate(c1, licenseId, computer('ACT-HOST-1', 'Front desk', 'Ubuntu 24.04'));
    expect(r.body.errors).toBeUndefined();
    const activation = r.body.data.activateLicense.activation;
    expect(activation).toEqual({
      id: expect.any(String),
      activatedAt: hub.now.toISOString(),
      deactivatedAt: null,
      activatedBy: { id: ids.user(C1_USER) },
      computer: { id: expect.any(String), name: 'Front desk', hostId: 'ACT-HOST-1', os: 'Ubuntu 24.04', organization: { id: RHEIN_C1 } },
      license: { id: licenseId, seats: 3, seatsUsed: 1 },
    });
    const after = await writeCounts(hub.dataSource);
    expect(after).toEqual({ ...before, activation: before.activation + 1, activeActivations: before.activeActivations + 1, computer: before.computer + 1, licenseEvents: before.licenseEvents + 1 });
    const events = await auditOf(admin, activation.id, 'license.activated');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ requestId: requestIdOf(r), actorType: 'USER', actorId: ids.user(C1_USER), subjectType: 'Activation' });
  });

  it('is idempotent: the same license on the same host id returns the same activation, and another license reuses the computer', async () => {
    const [first, second] = await allocatedFresh(hub, 'rhein-c1', { distributor: 'rhein', count: 2, seats: 2 });
    const one = await activate(c1, first, computer('ACT-HOST-2'));
    const activation = one.body.data.activateLicense.activation;
    const before = await writeCounts(hub.dataSource);
    // A retry, even by another user of the customer and with another name for the machine.
    const again = await activate(await hub.as(PERSONAS.customer('rhein-c1').admin), first, computer('ACT-HOST-2', 'renamed'));
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.activateLicense.activation).toMatchObject({ id: activation.id, computer: { id: activation.computer.id }, license: { seatsUsed: 1 } });
    expect(await writeCounts(hub.dataSource)).toEqual(before);
    expect(await auditOf(admin, activation.id, 'license.activated')).toHaveLength(1);

    const other = await activate(c1, second, computer('ACT-HOST-2'));
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data.activateLicense.activation.id).not.toBe(activation.id);
    expect(other.body.data.activateLicense.activation.computer.id).toBe(activation.computer.id);
    expect((await writeCounts(hub.dataSource)).computer).toBe(before.computer);

    // A seeded computer is found by its host id too.
    const seeded = (await c1.data(`query($id: ID!) { node(id: $id) { ... on Computer { id hostId } } }`, { id: ids.computer('rhein-c1', 1) })).node;
    const onSeeded = await activate(c1, second, computer(seeded.hostId));
    expect(onSeeded.body.data.activateLicense.activation.computer.id).toBe(seeded.id);
  });

  it('refuses a REGISTERED (unallocated) license with CONFLICT and the reason; a customer does not even reach it', async () => {
    const [licenseId] = await registerFresh(hub, { distributor: 'rhein' });
    const before = await writeCounts(hub.dataSource);
    for (const who of [PERSONAS.vendorAdmin, PERSONAS.distributors.rhein.admin]) {
      const error = onlyError(await activate(await hub.as(who), licenseId, computer('ACT-HOST-REG')), 'activateLicense');
      expect({ who, code: error.extensions?.code, rule: error.extensions?.rule }).toEqual({ who, code: 'CONFLICT', rule: 'license.activate_registered' });
      expect(error.message).toMatch(/not allocated/);
    }
    expect(codes(await activate(c1, licenseId, computer('ACT-HOST-REG')))).toEqual(['NOT_FOUND']);
    expect(await writeCounts(hub.dataSource)).toEqual(before);
  });

  it('refuses an EXPIRED license (case 7) with CONFLICT, and activates it once the clock is before its validUntil', async () => {
    const licenseId = ids.license('rhein', LICENSE_CASES.expired);
    const c2 = await hub.as(PERSONAS.customer('rhein-c2').user);
    const before = await writeCounts(hub.dataSource);
    const error = onlyError(await activate(c2, licenseId, computer('ACT-HOST-EXP')), 'activateLicense');
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', rule: 'license.activate_expired', status: 'EXPIRED' });
    expect(error.message).toBe(`the license has expired on ${SEED_DATES.expiredValidUntil}`);
    expect(await writeCounts(hub.dataSource)).toEqual(before);

    const today = hub.now;
    try {
      hub.now = new Date('2026-06-01T12:00:00.000Z');
      const earlier = await hub.as(PERSONAS.customer('rhein-c2').user);
      const r = await activate(earlier, licenseId, computer('ACT-HOST-EXP'));
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.activateLicense.activation).toMatchObject({ activatedAt: '2026-06-01T12:00:00.000Z', license: { seats: 2, seatsUsed: 2 } });
      expect((await earlier.data(LICENSE, { id: licenseId })).license.status).toBe('ALLOCATED');
    } finally {
      hub.now = today;
    }
    // Nothing was written to the license: back at today it reads EXPIRED again.
    expect((await c2.data(LICENSE, { id: licenseId })).license.status).toBe('EXPIRED');
  });

  it('refuses a REVOKED license (case 8), a license at its seat limit (case 6, naming the seats) and one not yet valid, with CONFLICT', async () => {
    const c2 = await hub.as(PERSONAS.customer('rhein-c2').user);
    const [future] = await allocatedFresh(hub, 'rhein-c1', { distributor: 'rhein', validFrom: '2027-01-01T00:00:00.000Z' });
    const before = await writeCounts(hub.dataSource);

    const revoked = onlyError(await activate(c2, ids.license('rhein', LICENSE_CASES.revoked), computer('ACT-HOST-REV')), 'activateLicense');
    expect(revoked.extensions).toMatchObject({ code: 'CONFLICT', rule: 'license.activate_revoked', status: 'REVOKED' });
    expect(revoked.message).toMatch(/revoked/);

    const full = onlyError(await activate(c1, ids.license('rhein', LICENSE_CASES.atSeatLimit), computer('ACT-HOST-FULL')), 'activateLicense');
    expect(full.extensions).toMatchObject({ code: 'CONFLICT', rule: 'license.seat_limit', seats: 2, seatsUsed: 2 });
    expect(full.message).toBe('seat limit reached: 2 of 2 seats are in use');

    const early = onlyError(await activate(c1, future, computer('ACT-HOST-EARLY')), 'activateLicense');
    expect(early.extensions).toMatchObject({ code: 'CONFLICT', rule: 'license.activate_not_yet_valid' });

    // The computers of the refused requests were not kept either.
    expect(await writeCounts(hub.dataSource)).toEqual(before);
    expect((await c1.data(LICENSE, { id: ids.license('rhein', LICENSE_CASES.atSeatLimit) })).license.seatsUsed).toBe(2);
  });

  it("lets the customer's DISTRIBUTOR_ADMIN activate on its behalf and VENDOR_ADMIN too; refuses DISTRIBUTOR_USER and other vendor roles with FORBIDDEN", async () => {
    const [licenseId] = await allocatedFresh(hub, 'rhein-c1', { distributor: 'rhein', seats: 5 });
    const keyWithoutWrite = await createApiKey(hub.dataSource, { org: 'rhein-c1', scopes: ['licenses:read'] });
    const before = await writeCounts(hub.dataSource);
    const refused: Record<string, unknown> = {};
    const clients: [string, Client][] = [
      ['DISTRIBUTOR_USER', await hub.as(PERSONAS.distributors.rhein.user)],
      ['VENDOR_STAFF', await hub.as(PERSONAS.vendorStaff)],
      ['PRIVACY_OFFICER', await hub.as(PERSONAS.privacyOfficer)],
      ['customer API key without licenses:write', hub.withToken(keyWithoutWrite.secret)],
    ];
    for (const [who, client] of clients) {
      const r = await activate(client, licenseId, computer('ACT-HOST-ROLE'));
      refused[who] = { codes: codes(r), data: r.body.data?.activateLicense ?? null };
    }
    expect(refused).toEqual(Object.fromEntries(clients.map(([who]) => [who, { codes: ['FORBIDDEN'], data: null }])));
    expect(await writeCounts(hub.dataSource)).toEqual(before);

    const byDistributor = await activate(await hub.as(PERSONAS.distributors.rhein.admin), licenseId, computer('ACT-HOST-DIST'));
    expect(byDistributor.body.errors).toBeUndefined();
    expect(byDistributor.body.data.activateLicense.activation).toMatchObject({
      activatedBy: { id: ids.user(PERSONAS.distributors.rhein.admin) },
      computer: { hostId: 'ACT-HOST-DIST', organization: { id: RHEIN_C1 } },
      license: { seatsUsed: 1 },
    });
    const byVendor = await activate(admin, licenseId, computer('ACT-HOST-VENDOR'));
    expect(byVendor.body.errors).toBeUndefined();
    expect(byVendor.body.data.activateLicense.activation).toMatchObject({ computer: { organization: { id: RHEIN_C1 } }, license: { seatsUsed: 2 } });

    // Another distributor's admin does not reach the license at all.
    expect(codes(await activate(await hub.as(PERSONAS.distributors.vigilancia.admin), licenseId, computer('ACT-HOST-X')))).toEqual(['NOT_FOUND']);
  });

  it("answers NOT_FOUND for another customer's license exactly as for an unknown id, and writes nothing", async () => {
    const before = await writeCounts(hub.dataSource);
    const foreign = onlyError(await activate(c1, ids.license('rhein', LICENSE_CASES.activated), computer('ACT-HOST-C2')), 'activateLicense');
    const unknown = onlyError(await activate(c1, ids.unknown('License'), computer('ACT-HOST-C2')), 'activateLicense');
    expect(foreign.extensions?.code).toBe('NOT_FOUND');
    expect({ message: foreign.message, extensions: foreign.extensions }).toEqual({ message: unknown.message, extensions: unknown.extensions });
    const wrongType = onlyError(await activate(c1, RHEIN_C1, computer('ACT-HOST-C2')), 'activateLicense');
    expect(wrongType.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.licenseId' });
    expect(await writeCounts(hub.dataSource)).toEqual(before);
  });

  it('refuses an empty or oversized host id, name or OS with BAD_USER_INPUT naming input.computer.<field>, and writes nothing', async () => {
    const [licenseId] = await allocatedFresh(hub, 'rhein-c1', { distributor: 'rhein', seats: 10 });
    const ok = computer('ACT-HOST-INPUT', 'Bounds', 'Linux');
    const cases: [string, Record<string, string>, string][] = [
      ['empty hostId', { hostId: '' }, 'input.computer.hostId'],
      ['blank hostId', { hostId: '   ' }, 'input.computer.hostId'],
      ['256-char hostId', { hostId: 'h'.repeat(256) }, 'input.computer.hostId'],
      ['empty name', { name: '' }, 'input.computer.name'],
      ['256-char name', { name: 'n'.repeat(256) }, 'input.computer.name'],
      ['empty os', { os: '' }, 'input.computer.os'],
      ['65-char os', { os: 'o'.repeat(65) }, 'input.computer.os'],
    ];
    const before = await writeCounts(hub.dataSource);
    const seen: Record<string, unknown> = {};
    for (const [name, over, field] of cases) {
      const error = onlyError(await activate(c1, licenseId, { ...ok, ...over }), 'activateLicense');
      seen[name] = { code: error.extensions?.code, field: error.extensions?.field, named: error.message.includes(field) };
    }
    expect(seen).toEqual(Object.fromEntries(cases.map(([name, , field]) => [name, { code: 'BAD_USER_INPUT', field, named: true }])));
    expect(await writeCounts(hub.dataSource)).toEqual(before);

    // The bounds themselves hold.
    const bounds = await activate(c1, licenseId, { hostId: 'h'.repeat(255), name: 'n'.repeat(255), os: 'o'.repeat(64) });
    expect(bounds.body.errors).toBeUndefined();
    expect(bounds.body.data.activateLicense.activation.computer).toMatchObject({ hostId: 'h'.repeat(255), name: 'n'.repeat(255), os: 'o'.repeat(64) });
  });

  it('compares host ids exactly, the same on both databases: a host id in another case is another computer', async () => {
    const [licenseId] = await allocatedFresh(hub, 'rhein-c1', { distributor: 'rhein', seats: 3 });
    const lower = await activate(c1, licenseId, computer('case-host-ab12'));
    const upper = await activate(c1, licenseId, computer('CASE-HOST-AB12'));
    expect(upper.body.errors).toBeUndefined();
    const [l, u] = [lower.body.data.activateLicense.activation, upper.body.data.activateLicense.activation];
    expect({ sameActivation: l.id === u.id, sameComputer: l.computer.id === u.computer.id, hostIds: [l.computer.hostId, u.computer.hostId], seatsUsed: u.license.seatsUsed }).toEqual({
      sameActivation: false,
      sameComputer: false,
      hostIds: ['case-host-ab12', 'CASE-HOST-AB12'],
      seatsUsed: 2,
    });
  });

  it('names the input field in the NOT_FOUND of an unknown license (issue #4 item 6: "naming the field")', async () => {
    const error = onlyError(await activate(c1, ids.unknown('License'), computer('ACT-HOST-NF')), 'activateLicense');
    expect(error.extensions?.code).toBe('NOT_FOUND');
    // allocateLicense says "License (input.licenseIds[0]) not found"; activateLicense should name input.licenseId alike.
    expect(error.message).toContain('input.licenseId');
  });

  describe('a host id the actor may not read (issue #11: activation is no way to learn or use a computer)', () => {
    /** What the actor reaches of the license and of the customer's computers, and its own export. */
    const VIEW = `query($license: ID!, $customer: ID!) {
      license(id: $license) { seatsUsed activations(first: 50) { totalCount nodes { id computer { id os name hostId } } } }
      organization(id: $customer) { computers(first: 100) { totalCount nodes { id os name hostId activations(first: 50) { totalCount } } } }
    }`;
    const EXPORT = `mutation($input: ExportPersonalDataInput!) { exportPersonalData(input: $input) { document } }`;
    const seedComputer = (cslug: string, n: 1 | 2) => hub.dataSource.getRepository(Computer).findOneByOrFail({ id: computerId(cslug, n) });

    /** Activates with a host id the customer has and with one nobody has; what the actor sees after each. */
    async function bothHosts(client: Client, licenseId: string, customer: string, known: string) {
      const view = async () => JSON.stringify((await client.gql(VIEW, { license: licenseId, customer })).body);
      const before = { counts: await writeCounts(hub.dataSource), view: await view() };
      const existing = await activate(client, licenseId, computer(known, 'Same name', 'Windows 11'));
      const afterExisting = await view();
      const unknown = await activate(client, licenseId, computer(`${known}-NOBODY-HAS-IT`, 'Same name', 'Windows 11'));
      return { before, existing, afterExisting, unknown, afterUnknown: await view(), counts: await writeCounts(hub.dataSource) };
    }

    it('refuses a distributor behind a closed transfer gate the same way whether or not the host id names a computer of the customer; nothing it reaches changes, its export neither', async () => {
      const mumbai = await hub.as(PERSONAS.distributors.mumbai.admin);
      const [licenseId] = await allocatedFresh(hub, 'mumbai-c1', { distributor: 'mumbai', seats: 5 });
      const known = await seedComputer('mumbai-c1', 1);
      const exportBefore = JSON.stringify((await mumbai.gql(EXPORT, { input: { userId: ids.user(PERSONAS.distributors.mumbai.admin) } })).body.data);
      const seen = await bothHosts(mumbai, licenseId, ids.org('mumbai-c1'), known.hostId);

      const error = onlyError(seen.existing, 'activateLicense');
      expect(error.extensions).toMatchObject({ code: 'TRANSFER_BASIS_REQUIRED', field: 'input.computer', rule: 'activation.reads_computers' });
      // The same bytes for the customer's host id and for a host id nobody has.
      expect(JSON.stringify(seen.existing.body)).toBe(JSON.stringify(seen.unknown.body));
      for (const bytes of [JSON.stringify(seen.existing.body), seen.afterExisting, seen.afterUnknown]) {
        expect(bytes).not.toContain(known.name);
        expect(bytes).not.toContain(known.hostId);
      }
      // Nothing written, nothing new reachable.
      expect(seen.counts).toEqual(seen.before.counts);
      expect([seen.afterExisting, seen.afterUnknown]).toEqual([seen.before.view, seen.before.view]);
      expect(exportBefore).toContain('"document"');
      const exportAfter = JSON.stringify((await mumbai.gql(EXPORT, { input: { userId: ids.user(PERSONAS.distributors.mumbai.admin) } })).body.data);
      expect(exportAfter).toBe(exportBefore);
      expect(exportAfter).not.toContain(known.name);
      expect(exportAfter).not.toContain(known.hostId);

      // The customer's own users activate on that computer as before.
      const own = await activate(await hub.as(PERSONAS.customer('mumbai-c1').user), licenseId, computer(known.hostId, 'ignored', 'Windows 11'));
      expect(own.body.errors).toBeUndefined();
      expect(own.body.data.activateLicense.activation.computer).toMatchObject({ id: ids.computer('mumbai-c1', 1), name: known.name, hostId: known.hostId });
    });

    it('refuses an API key without personal_data:read (FORBIDDEN) the same way whether or not the host id exists; with the scope it activates', async () => {
      const [licenseId] = await allocatedFresh(hub, 'rhein-c2', { distributor: 'rhein', seats: 5 });
      const known = await seedComputer('rhein-c2', 2);
      const blind = await createApiKey(hub.dataSource, { org: 'rhein-c2', scopes: ['licenses:read', 'licenses:write'] });
      const seen = await bothHosts(hub.withToken(blind.secret), licenseId, ids.org('rhein-c2'), known.hostId);
      expect(onlyError(seen.existing, 'activateLicense').extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input.computer', rule: 'activation.reads_computers' });
      expect(JSON.stringify(seen.existing.body)).toBe(JSON.stringify(seen.unknown.body));
      expect(JSON.stringify(seen.existing.body)).not.toContain(known.name);
      expect(seen.counts).toEqual(seen.before.counts);
      expect([seen.afterExisting, seen.afterUnknown]).toEqual([seen.before.view, seen.before.view]);

      const reader = await createApiKey(hub.dataSource, { org: 'rhein-c2', scopes: ['licenses:read', 'licenses:write', 'personal_data:read'] });
      const r = await activate(hub.withToken(reader.secret), licenseId, computer(known.hostId));
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.activateLicense.activation.computer).toMatchObject({ id: ids.computer('rhein-c2', 2), hostId: known.hostId });
    });
  });
});
