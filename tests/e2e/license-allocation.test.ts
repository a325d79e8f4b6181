import { LICENSE_CASES, PERSONAS } from '../../seeds/personas';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, TestHub } from '../helpers/hub';
import { fromGlobalIdOf } from '../../src/common/global-id';
import { UserStatus } from '../../src/common/enums';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { ALLOCATE, auditOf, ids, LICENSE, onlyError, registerFresh, requestIdOf, writeCounts } from '../helpers/licenses';

/**
 * allocateLicense (issue #4 item 2): a REGISTERED license held by a distributor goes to one of
 * the customers it serves, optionally naming a licensee person of that customer; the bulk
 * form is all or nothing.
 */
const INVITE = `mutation($input: InviteUserInput!) { inviteUser(input: $input) { user { id } } }`;

describe(`allocateLicense (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;
  let rhein: Client;
  const RHEIN_C1 = ids.org('rhein-c1');

  beforeAll(async () => {
    hub = await TestHub.start('license_allocation');
    admin = await hub.as(PERSONAS.vendorAdmin);
    rhein = await hub.as(PERSONAS.distributors.rhein.user);
  });
  afterAll(() => hub?.close());

  const statusOf = async (id: string) => (await admin.data(LICENSE, { id })).license.status;

  it('lets a DISTRIBUTOR_USER allocate a REGISTERED license it holds to a customer it serves', async () => {
    const licenseId = ids.license('rhein', LICENSE_CASES.registered[0]);
    const before = await writeCounts(hub.dataSource);
    const r = await rhein.gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: RHEIN_C1 } });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.allocateLicense.licenses).toEqual([
      { id: licenseId, status: 'ALLOCATED', distributor: { id: ids.org('rhein') }, customer: { id: RHEIN_C1, name: expect.any(String) }, licensee: null },
    ]);
    const after = await writeCounts(hub.dataSource);
    expect(after.allocatedLicenses).toBe(before.allocatedLicenses + 1);
    expect(after.licenseEvents).toBe(before.licenseEvents + 1);

    // The customer now reaches it.
    const customer = await hub.as(PERSONAS.customer('rhein-c1').user);
    expect((await customer.data(LICENSE, { id: licenseId })).license).toMatchObject({ status: 'ALLOCATED', customer: { id: RHEIN_C1 } });

    const events = await auditOf(admin, licenseId, 'license.allocated');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ requestId: requestIdOf(r), actorType: 'USER', actorId: ids.user(PERSONAS.distributors.rhein.user), fields: [] });

    // Allocated once, never again.
    const again = await rhein.gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: ids.org('rhein-c2') } });
    expect(onlyError(again, 'allocateLicense').extensions).toMatchObject({ code: 'CONFLICT', field: 'input.licenseIds[0]' });
  });

  it('allocates many licenses to one customer in one call (bulk), in the order given, one event per license', async () => {
    const licenseIds = await registerFresh(hub, { distributor: 'rhein', count: 3 });
    const r = await rhein.gql(ALLOCATE, { input: { licenseIds: [...licenseIds].reverse(), customerId: ids.org('rhein-c2') } });
    expect(r.body.errors).toBeUndefined();
    const licenses = r.body.data.allocateLicense.licenses;
    expect(licenses.map((l: { id: string }) => l.id)).toEqual([...licenseIds].reverse());
    expect(licenses.every((l: { status: string; customer: { id: string } }) => l.status === 'ALLOCATED' && l.customer.id === ids.org('rhein-c2'))).toBe(true);
    for (const id of licenseIds) {
      const events = await auditOf(admin, id, 'license.allocated');
      expect(events.map((e) => e.requestId)).toEqual([requestIdOf(r)]);
    }
  });

  it('is all or nothing: one already ALLOCATED license among three refuses the call with CONFLICT naming it, the others stay REGISTERED', async () => {
    const [a, b] = await registerFresh(hub, { distributor: 'rhein', count: 2 });
    const allocated = ids.license('rhein', LICENSE_CASES.activated);
    const before = await writeCounts(hub.dataSource);
    const r = await rhein.gql(ALLOCATE, { input: { licenseIds: [a, allocated, b], customerId: RHEIN_C1 } });
    const error = onlyError(r, 'allocateLicense');
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.licenseIds[1]', rule: 'license.allocate_registered_only' });
    expect(error.message).toMatch(/input\.licenseIds\[1\].*ALLOCATED/);
    expect(await statusOf(a)).toBe('REGISTERED');
    expect(await statusOf(b)).toBe('REGISTERED');
    expect(await writeCounts(hub.dataSource)).toEqual(before);
    expect(await auditOf(admin, a, 'license.allocated')).toEqual([]);
  });

  it('names a licensee person of that customer, readable by the distributor (ungated), and records the licensee field', async () => {
    const [licenseId] = await registerFresh(hub, { distributor: 'rhein' });
    const licensee = PERSONAS.customer('rhein-c1').user;
    const r = await rhein.gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: RHEIN_C1, licenseeId: ids.user(licensee) } });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.allocateLicense.licenses[0].licensee).toEqual({ id: ids.user(licensee), name: expect.any(String), email: licensee });
    const [event] = await auditOf(admin, licenseId, 'license.allocated');
    expect(event.fields).toEqual(['License.licensee']);
  });

  it('refuses a licensee of another customer with BAD_USER_INPUT on input.licenseeId, and writes nothing', async () => {
    const [licenseId] = await registerFresh(hub, { distributor: 'rhein' });
    const before = await writeCounts(hub.dataSource);
    const other = await rhein.gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: RHEIN_C1, licenseeId: ids.user(PERSONAS.customer('rhein-c2').user) } });
    expect(onlyError(other, 'allocateLicense').extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.licenseeId' });
    const notAPerson = await rhein.gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: RHEIN_C1, licenseeId: RHEIN_C1 } });
    expect(onlyError(notAPerson, 'allocateLicense').extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.licenseeId' });
    expect(await statusOf(licenseId)).toBe('REGISTERED');
    expect(await writeCounts(hub.dataSource)).toEqual(before);
  });

  it("answers NOT_FOUND for another distributor's license exactly as for an unknown id", async () => {
    const before = await writeCounts(hub.dataSource);
    const foreign = onlyError(await rhein.gql(ALLOCATE, { input: { licenseIds: [ids.license('vigilancia', 1)], customerId: RHEIN_C1 } }), 'allocateLicense');
    const unknown = onlyError(await rhein.gql(ALLOCATE, { input: { licenseIds: [ids.unknown('License')], customerId: RHEIN_C1 } }), 'allocateLicense');
    expect(foreign.extensions?.code).toBe('NOT_FOUND');
    expect({ message: foreign.message, extensions: foreign.extensions }).toEqual({ message: unknown.message, extensions: unknown.extensions });
    expect(foreign.message).toContain('input.licenseIds[0]');
    expect(await statusOf(ids.license('vigilancia', 1))).toBe('REGISTERED');
    expect(await writeCounts(hub.dataSource)).toEqual(before);
  });

  it('answers NOT_FOUND for a customer the distributor does not serve, exactly as for an unknown id', async () => {
    const [licenseId] = await registerFresh(hub, { distributor: 'rhein' });
    const before = await writeCounts(hub.dataSource);
    const unserved = onlyError(await rhein.gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: ids.org('vigilancia-c1') } }), 'allocateLicense');
    const unknown = onlyError(await rhein.gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: ids.unknown('Organization') } }), 'allocateLicense');
    expect(unserved.extensions?.code).toBe('NOT_FOUND');
    expect({ message: unserved.message, extensions: unserved.extensions }).toEqual({ message: unknown.message, extensions: unknown.extensions });
    expect(unserved.message).toContain('input.customerId');
    expect(await statusOf(licenseId)).toBe('REGISTERED');
    expect(await writeCounts(hub.dataSource)).toEqual(before);
  });

  it("refuses VENDOR_ADMIN allocating to a customer the license's distributor does not serve with CONFLICT, and to a non-customer with BAD_USER_INPUT", async () => {
    const [licenseId] = await registerFresh(hub, { distributor: 'rhein' });
    const vigilancias = ids.license('vigilancia', 2);
    const before = await writeCounts(hub.dataSource);
    const unserved = onlyError(await admin.gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: ids.org('vigilancia-c1') } }), 'allocateLicense');
    expect(unserved.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.customerId', rule: 'license.allocate_to_served_customer' });
    // Licenses of two distributors to a customer only one of them serves: nothing is allocated.
    const mixed = onlyError(await admin.gql(ALLOCATE, { input: { licenseIds: [licenseId, vigilancias], customerId: RHEIN_C1 } }), 'allocateLicense');
    expect(mixed.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.customerId' });
    expect(mixed.message).toContain('input.licenseIds[1]');
    const distributor = onlyError(await admin.gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: ids.org('vigilancia') } }), 'allocateLicense');
    expect(distributor.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.customerId' });
    expect([await statusOf(licenseId), await statusOf(vigilancias)]).toEqual(['REGISTERED', 'REGISTERED']);
    expect(await writeCounts(hub.dataSource)).toEqual(before);

    // VENDOR_ADMIN may allocate within the rule.
    const ok = await admin.gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: RHEIN_C1 } });
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.allocateLicense.licenses[0]).toMatchObject({ status: 'ALLOCATED', customer: { id: RHEIN_C1 } });
  });

  it('refuses duplicate, empty, oversized and malformed id lists with BAD_USER_INPUT naming the field', async () => {
    const [a, b] = await registerFresh(hub, { distributor: 'rhein', count: 2 });
    const many = await registerFresh(hub, { distributor: 'rhein', count: 101 });
    const before = await writeCounts(hub.dataSource);
    const cases: [string, string[], string][] = [
      ['duplicate ids', [a, b, a], 'input.licenseIds[2]'],
      ['no ids', [], 'input.licenseIds'],
      ['101 ids', many, 'input.licenseIds'],
      ['an id of another type', [a, RHEIN_C1], 'input.licenseIds[1]'],
    ];
    const seen: Record<string, unknown> = {};
    for (const [name, licenseIds, field] of cases) {
      const error = onlyError(await rhein.gql(ALLOCATE, { input: { licenseIds, customerId: RHEIN_C1 } }), 'allocateLicense');
      seen[name] = { code: error.extensions?.code, field: error.extensions?.field, named: error.message.includes(field) };
    }
    expect(seen).toEqual(Object.fromEntries(cases.map(([name, , field]) => [name, { code: 'BAD_USER_INPUT', field, named: true }])));
    expect(await writeCounts(hub.dataSource)).toEqual(before);
    // 100 is the bound, and it holds.
    const hundred = await rhein.gql(ALLOCATE, { input: { licenseIds: many.slice(0, 100), customerId: RHEIN_C1 } });
    expect(hundred.body.errors).toBeUndefined();
    expect(hundred.body.data.allocateLicense.licenses).toHaveLength(100);
  });

  it('refuses an EXPIRED or a REVOKED license with CONFLICT and the reason', async () => {
    const before = await writeCounts(hub.dataSource);
    const expired = onlyError(await rhein.gql(ALLOCATE, { input: { licenseIds: [ids.license('rhein', LICENSE_CASES.expired)], customerId: RHEIN_C1 } }), 'allocateLicense');
    const revoked = onlyError(await rhein.gql(ALLOCATE, { input: { licenseIds: [ids.license('rhein', LICENSE_CASES.revoked)], customerId: RHEIN_C1 } }), 'allocateLicense');
    expect(expired.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.licenseIds[0]' });
    expect(expired.message).toMatch(/EXPIRED/);
    expect(revoked.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.licenseIds[0]' });
    expect(revoked.message).toMatch(/REVOKED/);
    expect(await writeCounts(hub.dataSource)).toEqual(before);
  });

  it('is refused to customer roles, VENDOR_STAFF and PRIVACY_OFFICER with FORBIDDEN; DISTRIBUTOR_ADMIN may allocate', async () => {
    const [licenseId] = await registerFresh(hub, { distributor: 'rhein' });
    const before = await writeCounts(hub.dataSource);
    const seen: Record<string, unknown> = {};
    for (const email of [PERSONAS.customer('rhein-c1').admin, PERSONAS.customer('rhein-c1').user, PERSONAS.vendorStaff, PERSONAS.privacyOfficer]) {
      const r = await (await hub.as(email)).gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: RHEIN_C1 } });
      seen[email] = { codes: codes(r), data: r.body.data?.allocateLicense ?? null };
    }
    expect(Object.values(seen)).toEqual(Array(4).fill({ codes: ['FORBIDDEN'], data: null }));
    expect(await writeCounts(hub.dataSource)).toEqual(before);
    const byAdmin = await (await hub.as(PERSONAS.distributors.rhein.admin)).gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: RHEIN_C1 } });
    expect(byAdmin.body.errors).toBeUndefined();
    expect(byAdmin.body.data.allocateLicense.licenses[0].status).toBe('ALLOCATED');
  });

  it('lets a distributor API key with licenses:write allocate, and refuses one without it with FORBIDDEN', async () => {
    const [first, second] = await registerFresh(hub, { distributor: 'rhein', count: 2 });
    const writer = await createApiKey(hub.dataSource, { org: 'rhein', scopes: ['licenses:read', 'licenses:write', 'customers:read'] });
    const reader = await createApiKey(hub.dataSource, { org: 'rhein', scopes: ['licenses:read', 'customers:read'] });
    const before = await writeCounts(hub.dataSource);
    const refused = await hub.withToken(reader.secret).gql(ALLOCATE, { input: { licenseIds: [second], customerId: RHEIN_C1 } });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.body.data?.allocateLicense ?? null).toBeNull();
    expect(await writeCounts(hub.dataSource)).toEqual(before);

    const r = await hub.withToken(writer.secret).gql(ALLOCATE, { input: { licenseIds: [first], customerId: RHEIN_C1 } });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.allocateLicense.licenses[0]).toMatchObject({ id: first, status: 'ALLOCATED', customer: { id: RHEIN_C1 } });
    const [event] = await auditOf(admin, first, 'license.allocated');
    expect(event).toMatchObject({ actorType: 'API_KEY', requestId: requestIdOf(r) });
  });

  it('allocates a license exactly once under 10 concurrent allocations: 1 success, 9 CONFLICTs, one event', async () => {
    const [licenseId] = await registerFresh(hub, { distributor: 'rhein' });
    const clients = await Promise.all(Array.from({ length: 10 }, () => hub.as(PERSONAS.distributors.rhein.user)));
    const results = await Promise.all(clients.map((c) => c.gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: RHEIN_C1 } })));
    const ok = results.filter((r) => r.body.data?.allocateLicense?.licenses?.[0]?.status === 'ALLOCATED' && !r.body.errors);
    const conflicts = results.filter((r) => codes(r).length === 1 && codes(r)[0] === 'CONFLICT');
    expect({ ok: ok.length, conflicts: conflicts.length }).toEqual({ ok: 1, conflicts: 9 });
    expect(conflicts[0].body.errors![0].message).toMatch(/ALLOCATED/);
    expect(await auditOf(admin, licenseId, 'license.allocated')).toHaveLength(1);
  });

  it('refuses a licensee who is DISABLED, WITHDRAWN or ERASED with one answer that names no status, to a gated distributor, an API key and VENDOR_ADMIN alike', async () => {
    // Three people of mumbai-c1, invited by its admin; their status set as the lifecycle would leave it.
    const customerAdmin = await hub.as(PERSONAS.customer('mumbai-c1').admin);
    const people: Record<string, string> = {};
    for (const status of ['DISABLED', 'WITHDRAWN', 'ERASED']) {
      const invited = await customerAdmin.data(INVITE, {
        input: { organizationId: ids.org('mumbai-c1'), name: `Licensee ${status.toLowerCase()}`, email: `licensee.${status.toLowerCase()}@mumbai-c1.example`, role: 'CUSTOMER_USER' },
      });
      people[status] = invited.inviteUser.user.id;
      await hub.dataSource.getRepository(PortalUser).update({ id: fromGlobalIdOf('PortalUser', people[status])! }, { status: status as UserStatus });
    }
    const mumbaiKey = await createApiKey(hub.dataSource, { org: 'mumbai', scopes: ['licenses:read', 'licenses:write', 'customers:read'] });
    const askers: [string, Client][] = [
      ['mumbai (transfer gate closed)', await hub.as(PERSONAS.distributors.mumbai.user)],
      ['API key of mumbai without personal_data:read', hub.withToken(mumbaiKey.secret)],
      ['VENDOR_ADMIN', admin],
    ];
    const [licenseId] = await registerFresh(hub, { distributor: 'mumbai' });
    const before = await writeCounts(hub.dataSource);
    for (const [who, client] of askers) {
      const bodies = new Set<string>();
      for (const status of Object.keys(people)) {
        const r = await client.gql(ALLOCATE, { input: { licenseIds: [licenseId], customerId: ids.org('mumbai-c1'), licenseeId: people[status] } });
        const error = onlyError(r, 'allocateLicense');
        expect(`${who}, ${status}: ${error.extensions?.code} ${error.extensions?.field} ${error.extensions?.rule}`).toBe(`${who}, ${status}: CONFLICT input.licenseeId license.licensee_active`);
        const bytes = JSON.stringify(r.body);
        expect(`${who}, ${status}: ${bytes.match(/disabled|withdrawn|erased/i)?.[0] ?? 'no status, no name'}`).toBe(`${who}, ${status}: no status, no name`);
        bodies.add(bytes);
      }
      // DISABLED, WITHDRAWN and ERASED read the same, byte for byte.
      expect(`${who}: ${bodies.size}`).toBe(`${who}: 1`);
    }
    expect(await statusOf(licenseId)).toBe('REGISTERED');
    expect(await writeCounts(hub.dataSource)).toEqual(before);
  });
});
