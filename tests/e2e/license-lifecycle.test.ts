import { LICENSE_CASES, PERSONAS } from '../../seeds/personas';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, TestHub } from '../helpers/hub';
import { ACTIVATE, ALLOCATE, allocatedFresh, auditOf, computer, DEACTIVATE, ids, LICENSE, onlyError, REGISTER, REVOKE, requestIdOf, VMS, writeCounts } from '../helpers/licenses';

/**
 * The license lifecycle end to end (issue #4, docs/data-model.md P10): registered to a distributor,
 * allocated to a customer, activated on computers within its seats, deactivated (rehosting),
 * revoked. Every write has its audit event with the request id of the write.
 */
describe(`the license lifecycle (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;

  beforeAll(async () => {
    hub = await TestHub.start('license_lifecycle');
    admin = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());

  /** The one event of an action on a subject, asserting it carries the request id of the write. */
  async function expectEvent(subjectId: string, action: string, r: Parameters<typeof requestIdOf>[0]) {
    const events = await auditOf(admin, subjectId, action);
    expect(events.map((e) => ({ action: e.action, requestId: e.requestId }))).toEqual([{ action, requestId: requestIdOf(r) }]);
  }

  it('walks register → allocate → activate → deactivate → rehost → revoke over HTTP, each write with its audit event', async () => {
    const distributor = await hub.as(PERSONAS.distributors.lioncity.user);
    const customer = await hub.as(PERSONAS.customer('lioncity-c1').user);

    const registered = await admin.gql(REGISTER, {
      input: { productId: VMS(), distributorId: ids.org('lioncity'), count: 1, seats: 2, validFrom: '2026-11-01T00:00:00.000Z', validUntil: '2027-11-01T00:00:00.000Z' },
    });
    const license = registered.body.data.registerLicenses.licenses[0];
    expect(license).toMatchObject({ status: 'REGISTERED', seats: 2, validUntil: '2027-11-01T00:00:00.000Z' });
    await expectEvent(license.id, 'license.registered', registered);

    const allocated = await distributor.gql(ALLOCATE, { input: { licenseIds: [license.id], customerId: ids.org('lioncity-c1') } });
    expect(allocated.body.data.allocateLicense.licenses[0]).toMatchObject({ status: 'ALLOCATED', customer: { id: ids.org('lioncity-c1') } });
    await expectEvent(license.id, 'license.allocated', allocated);

    const a1 = await customer.gql(ACTIVATE, { input: { licenseId: license.id, computer: computer('LC-HOST-1') } });
    const a2 = await customer.gql(ACTIVATE, { input: { licenseId: license.id, computer: computer('LC-HOST-2') } });
    const first = a1.body.data.activateLicense.activation;
    expect(a2.body.data.activateLicense.activation.license.seatsUsed).toBe(2);
    await expectEvent(first.id, 'license.activated', a1);
    expect(codes(await customer.gql(ACTIVATE, { input: { licenseId: license.id, computer: computer('LC-HOST-3') } }))).toEqual(['CONFLICT']);

    const deactivated = await customer.gql(DEACTIVATE, { input: { activationId: first.id } });
    expect(deactivated.body.data.deactivateActivation.activation).toMatchObject({ id: first.id, deactivatedAt: hub.now.toISOString(), license: { seatsUsed: 1 } });
    await expectEvent(first.id, 'license.deactivated', deactivated);

    const rehosted = await customer.gql(ACTIVATE, { input: { licenseId: license.id, computer: computer('LC-HOST-3') } });
    expect(rehosted.body.errors).toBeUndefined();
    expect(rehosted.body.data.activateLicense.activation.license.seatsUsed).toBe(2);

    const revoked = await admin.gql(REVOKE, { input: { licenseId: license.id, reason: 'end of the pilot' } });
    expect(revoked.body.data.revokeLicense.license).toMatchObject({ status: 'REVOKED', seatsUsed: 0 });
    await expectEvent(license.id, 'license.revoked', revoked);
    const seen = (await customer.data(LICENSE, { id: license.id })).license;
    expect(seen).toMatchObject({ status: 'REVOKED', seatsUsed: 0, activations: { totalCount: 3 } });
    expect(seen.activations.nodes.every((a: { deactivatedAt: string | null }) => a.deactivatedAt !== null)).toBe(true);
  });

  it('frees a seat by deactivation: at the seat limit (case 6) one deactivation lets a new host activate (rehosting)', async () => {
    const licenseId = ids.license('alpen', LICENSE_CASES.atSeatLimit);
    const customer = await hub.as(PERSONAS.customer('alpen-c1').user);
    const start = (await customer.data(LICENSE, { id: licenseId })).license;
    expect(start).toMatchObject({ seats: 2, seatsUsed: 2 });
    expect(codes(await customer.gql(ACTIVATE, { input: { licenseId, computer: computer('ALPEN-NEW-HOST') } }))).toEqual(['CONFLICT']);

    const old = start.activations.nodes.find((a: { deactivatedAt: string | null }) => a.deactivatedAt === null);
    const before = await writeCounts(hub.dataSource);
    const r = await customer.gql(DEACTIVATE, { input: { activationId: old.id } });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.deactivateActivation.activation).toEqual({ id: old.id, activatedAt: old.activatedAt, deactivatedAt: hub.now.toISOString(), license: { id: licenseId, seatsUsed: 1 } });
    const after = await writeCounts(hub.dataSource);
    expect(after).toEqual({ ...before, activeActivations: before.activeActivations - 1, licenseEvents: before.licenseEvents + 1 });
    await expectEvent(old.id, 'license.deactivated', r);

    const moved = await customer.gql(ACTIVATE, { input: { licenseId, computer: computer('ALPEN-NEW-HOST') } });
    expect(moved.body.errors).toBeUndefined();
    expect(moved.body.data.activateLicense.activation).toMatchObject({ computer: { hostId: 'ALPEN-NEW-HOST' }, license: { seatsUsed: 2 } });
    await expectEvent(moved.body.data.activateLicense.activation.id, 'license.activated', moved);

    // Deactivating twice is a wrong state change.
    const beforeTwice = await writeCounts(hub.dataSource);
    const twice = onlyError(await customer.gql(DEACTIVATE, { input: { activationId: old.id } }), 'deactivateActivation');
    expect(twice.extensions).toMatchObject({ code: 'CONFLICT', rule: 'activation.deactivate_once' });
    expect(await writeCounts(hub.dataSource)).toEqual(beforeTwice);
  });

  it("refuses deactivation to DISTRIBUTOR_USER (FORBIDDEN) and to another customer (NOT_FOUND); the customer's DISTRIBUTOR_ADMIN may", async () => {
    const licenseId = ids.license('alpen', LICENSE_CASES.activated);
    const { license } = await admin.data(LICENSE, { id: licenseId });
    const [a, b] = license.activations.nodes.filter((x: { deactivatedAt: string | null }) => x.deactivatedAt === null);
    const before = await writeCounts(hub.dataSource);
    expect(codes(await (await hub.as(PERSONAS.distributors.alpen.user)).gql(DEACTIVATE, { input: { activationId: a.id } }))).toEqual(['FORBIDDEN']);
    expect(codes(await (await hub.as(PERSONAS.vendorStaff)).gql(DEACTIVATE, { input: { activationId: a.id } }))).toEqual(['FORBIDDEN']);
    expect(codes(await (await hub.as(PERSONAS.customer('alpen-c1').user)).gql(DEACTIVATE, { input: { activationId: a.id } }))).toEqual(['NOT_FOUND']);
    expect(codes(await (await hub.as(PERSONAS.distributors.rhein.admin)).gql(DEACTIVATE, { input: { activationId: a.id } }))).toEqual(['NOT_FOUND']);
    expect(await writeCounts(hub.dataSource)).toEqual(before);
    const byDistributor = await (await hub.as(PERSONAS.distributors.alpen.admin)).gql(DEACTIVATE, { input: { activationId: a.id } });
    expect(byDistributor.body.data.deactivateActivation.activation.deactivatedAt).toBe(hub.now.toISOString());
    const byVendor = await admin.gql(DEACTIVATE, { input: { activationId: b.id } });
    expect(byVendor.body.data.deactivateActivation.activation.license.seatsUsed).toBe(0);
  });

  it('revokes (VENDOR_ADMIN only): state REVOKED, its active activations end, a second revocation is a CONFLICT', async () => {
    const licenseId = ids.license('liberty', LICENSE_CASES.activated);
    const vendorKey = await createApiKey(hub.dataSource, { org: 'mobotix', scopes: ['licenses:read', 'licenses:write', 'customers:read'] });
    const refusedBy: [string, Client][] = [
      ['VENDOR_STAFF', await hub.as(PERSONAS.vendorStaff)],
      ['PRIVACY_OFFICER', await hub.as(PERSONAS.privacyOfficer)],
      ['DISTRIBUTOR_ADMIN', await hub.as(PERSONAS.distributors.liberty.admin)],
      ['DISTRIBUTOR_USER', await hub.as(PERSONAS.distributors.liberty.user)],
      ['CUSTOMER_ADMIN', await hub.as(PERSONAS.customer('liberty-c2').admin)],
      ['CUSTOMER_USER', await hub.as(PERSONAS.customer('liberty-c2').user)],
      ['vendor API key', hub.withToken(vendorKey.secret)],
    ];
    const before = await writeCounts(hub.dataSource);
    const seen: Record<string, unknown> = {};
    for (const [who, client] of refusedBy) {
      const r = await client.gql(REVOKE, { input: { licenseId, reason: 'not mine to revoke' } });
      seen[who] = { codes: codes(r), data: r.body.data?.revokeLicense ?? null };
    }
    expect(seen).toEqual(Object.fromEntries(refusedBy.map(([who]) => [who, { codes: ['FORBIDDEN'], data: null }])));
    const tooLong = onlyError(await admin.gql(REVOKE, { input: { licenseId, reason: 'r'.repeat(501) } }), 'revokeLicense');
    expect(tooLong.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });
    expect(await writeCounts(hub.dataSource)).toEqual(before);

    const r = await admin.gql(REVOKE, { input: { licenseId, reason: 'r'.repeat(500) } });
    expect(r.body.errors).toBeUndefined();
    const revoked = r.body.data.revokeLicense.license;
    expect(revoked).toMatchObject({ id: licenseId, status: 'REVOKED', seatsUsed: 0 });
    expect(revoked.activations.nodes).toHaveLength(2);
    expect(revoked.activations.nodes.map((a: { deactivatedAt: string }) => a.deactivatedAt)).toEqual([hub.now.toISOString(), hub.now.toISOString()]);
    const after = await writeCounts(hub.dataSource);
    expect(after).toEqual({
      ...before,
      activeActivations: before.activeActivations - 2,
      allocatedLicenses: before.allocatedLicenses - 1,
      revokedLicenses: before.revokedLicenses + 1,
      licenseEvents: before.licenseEvents + 1,
    });
    await expectEvent(licenseId, 'license.revoked', r);

    const again = onlyError(await admin.gql(REVOKE, { input: { licenseId } }), 'revokeLicense');
    expect(again.extensions).toMatchObject({ code: 'CONFLICT', rule: 'license.revoke_once' });
    const seeded = onlyError(await admin.gql(REVOKE, { input: { licenseId: ids.license('liberty', LICENSE_CASES.revoked) } }), 'revokeLicense');
    expect(seeded.extensions?.code).toBe('CONFLICT');
    const customer = await hub.as(PERSONAS.customer('liberty-c2').user);
    const reactivate = onlyError(await customer.gql(ACTIVATE, { input: { licenseId, computer: computer('LIBERTY-AFTER') } }), 'activateLicense');
    expect(reactivate.extensions).toMatchObject({ code: 'CONFLICT', status: 'REVOKED' });
    expect(await writeCounts(hub.dataSource)).toEqual(after);
  });

  it('shares one new computer among concurrent activations of several licenses on the same host id', async () => {
    const licenseIds = await allocatedFresh(hub, 'alpen-c2', { distributor: 'alpen', count: 6, seats: 1 });
    const customer = await hub.as(PERSONAS.customer('alpen-c2').user);
    const before = await writeCounts(hub.dataSource);
    const results = await Promise.all(licenseIds.map((licenseId) => customer.gql(ACTIVATE, { input: { licenseId, computer: computer('ALPEN-BURST-HOST') } })));
    expect(results.map((r) => r.body.errors ?? null)).toEqual(Array(6).fill(null));
    const computers = new Set(results.map((r) => r.body.data.activateLicense.activation.computer.id));
    expect(computers.size).toBe(1);
    const after = await writeCounts(hub.dataSource);
    expect({ computer: after.computer - before.computer, activeActivations: after.activeActivations - before.activeActivations }).toEqual({ computer: 1, activeActivations: 6 });
  });

  it('deactivates an activation once under concurrent requests: 1 success, the others CONFLICT, one event', async () => {
    const [licenseId] = await allocatedFresh(hub, 'alpen-c2', { distributor: 'alpen', seats: 1 });
    const customer = await hub.as(PERSONAS.customer('alpen-c2').admin);
    const { activateLicense } = await customer.data(ACTIVATE, { input: { licenseId, computer: computer('ALPEN-ONCE') } });
    const results = await Promise.all(Array.from({ length: 6 }, () => customer.gql(DEACTIVATE, { input: { activationId: activateLicense.activation.id } })));
    expect({ ok: results.filter((r) => !r.body.errors).length, conflicts: results.filter((r) => codes(r)[0] === 'CONFLICT').length }).toEqual({ ok: 1, conflicts: 5 });
    expect(await auditOf(admin, activateLicense.activation.id, 'license.deactivated')).toHaveLength(1);
  });

  it('leaves no active activation on a license revoked while activations race it', async () => {
    const [licenseId] = await allocatedFresh(hub, 'alpen-c2', { distributor: 'alpen', seats: 10 });
    const customer = await hub.as(PERSONAS.customer('alpen-c2').user);
    const activations = Array.from({ length: 8 }, (_, i) => customer.gql(ACTIVATE, { input: { licenseId, computer: computer(`ALPEN-RACE-${i}`) } }));
    const revoke = admin.gql(REVOKE, { input: { licenseId, reason: 'race' } });
    const [revoked, ...activated] = await Promise.all([revoke, ...activations]);
    expect(revoked.body.errors).toBeUndefined();
    for (const r of activated) expect(r.body.errors ? codes(r) : ['OK']).toEqual([r.body.errors ? 'CONFLICT' : 'OK']);
    const { license } = await admin.data(LICENSE, { id: licenseId });
    expect({ status: license.status, seatsUsed: license.seatsUsed, active: license.activations.nodes.filter((a: { deactivatedAt: string | null }) => !a.deactivatedAt).length }).toEqual({
      status: 'REVOKED',
      seatsUsed: 0,
      active: 0,
    });
  });

  it('names the input field in the NOT_FOUND of deactivateActivation and revokeLicense (issue #4 item 6: "naming the field")', async () => {
    const deactivate = onlyError(await admin.gql(DEACTIVATE, { input: { activationId: ids.unknown('Activation') } }), 'deactivateActivation');
    const revoke = onlyError(await admin.gql(REVOKE, { input: { licenseId: ids.unknown('License') } }), 'revokeLicense');
    expect([deactivate.extensions?.code, revoke.extensions?.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect([deactivate.message, revoke.message]).toEqual([expect.stringContaining('input.activationId'), expect.stringContaining('input.licenseId')]);
  });
});
