import 'reflect-metadata';
import { orgId, PERSONAS, userId } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';
import { expectBadInput, onlyError } from '../helpers/relay';

/**
 * Issue #13, the DPO's lookup: a data-subject request starts from an e-mail address. The
 * PRIVACY_OFFICER finds the person by it (exactly, whatever the case), the lookup is recorded
 * as a read of the address with the purpose DATA_SUBJECT_REQUEST; distributors, customers and
 * their API keys are refused with FORBIDDEN and no data.
 */

const LOOKUP = `query($filter: UserFilter) { users(first: 20, filter: $filter) { totalCount nodes { id name email organization { id } } } }`;

type AuditRow = { subjectId: string; fields: string; purpose: string; action: string; outcome: string };

describe(`the DPO's lookup of a data subject (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;

  const eventsOf = (actor: string): Promise<AuditRow[]> =>
    hub.dataSource.query('SELECT subjectId, fields, purpose, action, outcome FROM `audit_event` WHERE actorId = ? ORDER BY at, id', [userId(actor)]);

  beforeAll(async () => {
    hub = await TestHub.start('dpo_lookup');
  });
  afterAll(() => hub?.close());

  it('the PRIVACY_OFFICER finds a person by e-mail address, exactly and whatever the case; the lookup is audited with its purpose', async () => {
    const dpo = await hub.as(PERSONAS.privacyOfficer);
    const email = 'user@mumbai-c1.example';
    const before = (await eventsOf(PERSONAS.privacyOfficer)).length;
    const found = await dpo.data(LOOKUP, { filter: { email: `  USER@Mumbai-C1.example ` } });
    expect(found.users.nodes).toEqual([{ id: toGlobalId('PortalUser', userId(email)), name: expect.any(String), email, organization: { id: toGlobalId('Organization', orgId('mumbai-c1')) } }]);
    expect(found.users.totalCount).toBe(1);

    const events = (await eventsOf(PERSONAS.privacyOfficer)).slice(before);
    const lookup = events.filter((e) => e.purpose === 'DATA_SUBJECT_REQUEST');
    expect(lookup).toEqual([{ subjectId: userId(email), fields: 'PortalUser.email', purpose: 'DATA_SUBJECT_REQUEST', action: 'personal_data.read', outcome: 'ALLOWED' }]);

    // A prefix of an address is no exact match; search finds by part of a name or address.
    expect((await dpo.data(LOOKUP, { filter: { email: 'user@mumbai-c1' } })).users.nodes).toEqual([]);
    const searched = await dpo.data(LOOKUP, { filter: { search: 'mumbai-c1.example' } });
    expect(searched.users.nodes.map((u: { email: string }) => u.email).sort()).toEqual(['admin@mumbai-c1.example', 'user@mumbai-c1.example']);
    // Narrowed to the organization: the same person.
    const inOrg = await dpo.data(LOOKUP, { filter: { email, organizationId: toGlobalId('Organization', orgId('mumbai-c1')) } });
    expect(inOrg.users.totalCount).toBe(1);
  });

  it('a lookup that matches nobody answers an empty list and records no read', async () => {
    const dpo = await hub.as(PERSONAS.privacyOfficer);
    const before = (await eventsOf(PERSONAS.privacyOfficer)).length;
    expect((await dpo.data(LOOKUP, { filter: { email: 'nobody@nowhere.example' } })).users).toEqual({ totalCount: 0, nodes: [] });
    expect((await eventsOf(PERSONAS.privacyOfficer)).length).toBe(before);
  });

  it('the VENDOR_ADMIN may look people up too, recorded for license management', async () => {
    const admin = await hub.as(PERSONAS.vendorAdmin);
    const found = await admin.data(LOOKUP, { filter: { email: 'admin@rhein-c1.example' } });
    expect(found.users.nodes.map((u: { id: string }) => u.id)).toEqual([toGlobalId('PortalUser', userId('admin@rhein-c1.example'))]);
    const events = await eventsOf(PERSONAS.vendorAdmin);
    expect(events.filter((e) => e.subjectId === userId('admin@rhein-c1.example') && e.purpose === 'LICENSE_MANAGEMENT').length).toBeGreaterThan(0);
  });

  it('distributors, customers and API keys are refused with FORBIDDEN and no data', async () => {
    const refused = [PERSONAS.distributors.mumbai.admin, PERSONAS.distributors.rhein.admin, PERSONAS.distributors.rhein.user, PERSONAS.customer('mumbai-c1').admin, PERSONAS.customer('harbor').user];
    for (const who of refused) {
      const client = await hub.as(who);
      const r = await client.gql(LOOKUP, { filter: { email: 'user@mumbai-c1.example' } });
      onlyError(r, 'FORBIDDEN');
      expect([who, r.body.data?.users ?? null]).toEqual([who, null]);
      expect(JSON.stringify(r.body)).not.toContain('mumbai-c1.example');
    }
    const { secret } = await createApiKey(hub.dataSource, { org: 'rhein', scopes: ['customers:read', 'personal_data:read', 'licenses:read'] });
    onlyError(await hub.withToken(secret).gql(LOOKUP, { filter: { email: 'user@rhein-c1.example' } }), 'FORBIDDEN');
  });

  it('bad filters are BAD_USER_INPUT naming the field', async () => {
    const dpo = await hub.as(PERSONAS.privacyOfficer);
    expectBadInput(await dpo.gql(LOOKUP, { filter: { email: '   ' } }), 'filter.email');
    expectBadInput(await dpo.gql(LOOKUP, { filter: { search: 'x'.repeat(201) } }), 'filter.search');
  });
});
