import { computerId, licenseId, orgId, PERSONAS, userId } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { Computer } from '../../src/modules/computer/computer.entity';
import { createApiKey } from '../helpers/api-keys';
import { ACTIVATE, ALLOCATE, computer, registerFresh } from '../helpers/licenses';
import { Client, codes, TestHub } from '../helpers/hub';

const EXPORT = `mutation($input: ExportPersonalDataInput!) { exportPersonalData(input: $input) { subject { id name email status } document } }`;
const RHEIN_CUSTOMER_EMAILS = `{ customers(first: 5) { nodes { name users(first: 10) { nodes { id email } } } } }`;
const RHEIN_CUSTOMER_NAMES = `{ customers(first: 5) { nodes { users(first: 10) { nodes { name email } } } } }`;
const HARBOR_USERS = `query($id: ID!) { organization(id: $id) { users(first: 10) { nodes { email } } } }`;

const uid = (email: string) => toGlobalId('PortalUser', userId(email));
const HOUR = 3600 * 1000;

interface Recipient {
  organization: { id: string; name: string; country: string };
  firstReadAt: string;
  lastReadAt: string;
  fields: string[];
}

describe('exportPersonalData (GDPR Art. 15): everything held about a person, and its recipients', () => {
  let hub: TestHub;
  let dpo: Client;
  const firstRead = new Date('2026-11-27T12:00:00.000Z');
  const lastRead = new Date('2026-11-27T14:00:00.000Z');

  beforeAll(async () => {
    hub = await TestHub.start('privacy_export');
    // admin@rhein.example reads the e-mails of its customers' users, and two hours later their names.
    hub.now = firstRead;
    const rhein = await hub.as(PERSONAS.distributors.rhein.admin);
    const emails = await rhein.data(RHEIN_CUSTOMER_EMAILS);
    expect(emails.customers.nodes.flatMap((c: { users: { nodes: { email: string }[] } }) => c.users.nodes.map((u) => u.email))).toContain('user@rhein-c1.example');
    hub.now = lastRead;
    await (await hub.as(PERSONAS.distributors.rhein.admin)).data(RHEIN_CUSTOMER_NAMES);
    // Harbor's people, read through an open gate (rhein) and a closed one (mumbai).
    await (await hub.as(PERSONAS.distributors.rhein.user)).data(HARBOR_USERS, { id: toGlobalId('Organization', orgId('harbor')) });
    const mumbai = await (await hub.as(PERSONAS.distributors.mumbai.admin)).gql(HARBOR_USERS, { id: toGlobalId('Organization', orgId('harbor')) });
    expect(codes(mumbai)).toContain('TRANSFER_BASIS_REQUIRED');
    hub.now = new Date(lastRead.getTime() + HOUR);
    dpo = await hub.as(PERSONAS.privacyOfficer);
  });
  afterAll(() => hub?.close());

  it('lists Rhein Security GmbH among the recipients of a rhein-c1 user, with when it read and which fields', async () => {
    const r = await dpo.data(EXPORT, { input: { userId: uid('user@rhein-c1.example') } });
    const recipients: Recipient[] = r.exportPersonalData.document.recipients;
    const rhein = recipients.find((x) => x.organization.name === 'Rhein Security GmbH');
    expect(rhein).toEqual({
      organization: { id: toGlobalId('Organization', orgId('rhein')), name: 'Rhein Security GmbH', country: 'DE' },
      firstReadAt: firstRead.toISOString(),
      lastReadAt: lastRead.toISOString(),
      fields: ['PortalUser.email', 'PortalUser.name'],
    });
    // Nobody else read this person's data in this world.
    expect(recipients.map((x) => x.organization.name)).toEqual(['Rhein Security GmbH']);
  });

  it('holds exactly the keys of the contract, with the profile, organization, consent, licenses, activations and computers', async () => {
    const r = await dpo.data(EXPORT, { input: { userId: uid('user@rhein-c1.example') } });
    const { subject, document } = r.exportPersonalData;
    expect(subject).toEqual({ id: uid('user@rhein-c1.example'), name: 'Sabine Fischer', email: 'user@rhein-c1.example', status: 'ACTIVE' });
    expect(Object.keys(document)).toEqual(['profile', 'organization', 'consent', 'licenses', 'activations', 'computers', 'recipients']);
    expect(document.profile).toMatchObject({
      id: uid('user@rhein-c1.example'),
      name: 'Sabine Fischer',
      email: 'user@rhein-c1.example',
      phone: '+49 6131 2240-12',
      role: 'CUSTOMER_USER',
      status: 'ACTIVE',
    });
    expect(document.organization).toEqual({ id: toGlobalId('Organization', orgId('rhein-c1')), name: 'Rhein Kunde Eins GmbH', kind: 'CUSTOMER', country: 'DE' });
    expect(document.consent).toEqual({ givenAt: '2024-01-15T09:00:00.000Z', withdrawnAt: null, history: [] });
    // Licensee of rhein's license 5 only; activated 5 on computer 1 and 6 on both computers.
    expect(document.licenses).toHaveLength(1);
    expect(document.licenses[0]).toMatchObject({
      id: toGlobalId('License', licenseId('rhein', 5)),
      status: 'ALLOCATED',
      seats: 5,
      validUntil: null,
      product: { sku: 'MX-VMS-PRO' },
      distributor: { name: 'Rhein Security GmbH' },
      customer: { name: 'Rhein Kunde Eins GmbH' },
    });
    expect(JSON.stringify(document)).not.toMatch(/activationKey/i);
    expect(document.activations.map((a: { license: string }) => a.license).sort()).toEqual(
      [licenseId('rhein', 5), licenseId('rhein', 6), licenseId('rhein', 6)].map((id) => toGlobalId('License', id)).sort(),
    );
    expect(document.computers.map((c: { id: string; hostId: string; name: string }) => [c.id, c.name, c.hostId]).sort()).toEqual(
      [
        [toGlobalId('Computer', computerId('rhein-c1', 1)), 'RK1-VMS-01', '4C1E-0A12-77F3-9B01'],
        [toGlobalId('Computer', computerId('rhein-c1', 2)), 'RK1-REC-02', '4C1E-0A12-77F3-9B02'],
      ].sort(),
    );
  });

  it('lists an organization whose gate was closed not as a recipient: a denied read disclosed nothing', async () => {
    const r = await dpo.data(EXPORT, { input: { userId: uid('user@harbor.example') } });
    const names = r.exportPersonalData.document.recipients.map((x: Recipient) => x.organization.name);
    expect(names).toEqual(['Rhein Security GmbH']);
    expect(names).not.toContain('Mumbai CCTV Pvt Ltd');
  });

  it("lets the person export their own data; their own reads are not disclosures, their organization's admin's are", async () => {
    const person = await hub.as('user@rhein-c1.example');
    const own = await person.data(EXPORT, { input: { userId: uid('user@rhein-c1.example') } });
    expect(own.exportPersonalData.subject.email).toBe('user@rhein-c1.example');
    await (await hub.as('admin@rhein-c1.example')).data(`{ viewer { organization { users(first: 5) { nodes { phone } } } } }`);
    const again = await person.data(EXPORT, { input: { userId: uid('user@rhein-c1.example') } });
    const recipients: Recipient[] = again.exportPersonalData.document.recipients;
    // The vendor is listed too: its officer read the person's name and e-mail in the earlier exports' `subject`.
    expect(recipients.map((x) => x.organization.name)).toEqual(['Rhein Security GmbH', 'MOBOTIX AG', 'Rhein Kunde Eins GmbH']);
    expect(recipients[1].fields).toEqual(['PortalUser.email', 'PortalUser.name', 'PortalUser.status']);
    expect(recipients[2]).toMatchObject({ fields: ['PortalUser.phone'], firstReadAt: hub.now.toISOString() });
  });

  it('shows the consent history of a person who withdrew and came back, and their lapsed license', async () => {
    const receivedAt = new Date(hub.now.getTime() - 2 * HOUR);
    const WITHDRAW = `mutation($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { user { status } } }`;
    const RECORD = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { user { status } } }`;
    await dpo.data(WITHDRAW, { input: { userId: uid('user@lioncity-c1.example'), receivedAt: receivedAt.toISOString() } });
    await dpo.data(RECORD, { input: { userId: uid('user@lioncity-c1.example'), givenAt: hub.now.toISOString() } });
    const { document } = (await dpo.data(EXPORT, { input: { userId: uid('user@lioncity-c1.example') } })).exportPersonalData;
    expect(document.consent).toEqual({
      givenAt: hub.now.toISOString(),
      withdrawnAt: receivedAt.toISOString(),
      history: [
        { event: 'withdrawn', effectiveAt: receivedAt.toISOString(), recordedAt: hub.now.toISOString(), recordedBy: 'the vendor, on their behalf' },
        { event: 'given', effectiveAt: hub.now.toISOString(), recordedAt: hub.now.toISOString(), recordedBy: 'the vendor, on their behalf' },
      ],
    });
    expect(document.licenses).toEqual([expect.objectContaining({ id: toGlobalId('License', licenseId('lioncity', 5)), status: 'LAPSED', lapsedAt: receivedAt.toISOString() })]);
  });

  it('records the export itself: personal_data.exported on the person, by whom, with the fields that left', async () => {
    const before = await hub.dataSource.getRepository(AuditEvent).countBy({ action: 'personal_data.exported', subjectId: userId('user@alpen-c2.example') });
    const r = await dpo.gql(EXPORT, { input: { userId: uid('user@alpen-c2.example') } });
    expect(r.body.errors).toBeUndefined();
    const events = await hub.dataSource.getRepository(AuditEvent).find({ where: { action: 'personal_data.exported', subjectId: userId('user@alpen-c2.example') } });
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({
      actorId: userId(PERSONAS.privacyOfficer),
      actorOrganizationId: orgId('mobotix'),
      subjectType: 'PortalUser',
      fields: ['PortalUser.name', 'PortalUser.email', 'PortalUser.phone', 'Computer.name', 'Computer.hostId'],
      at: hub.now,
    });
    expect(events.at(-1)!.detail).not.toContain('alpen-c2.example');
    const listed = await dpo.data(`query($s: ID!) { auditEvents(filter: { subjectId: $s, action: "personal_data.exported" }) { totalCount } }`, { s: uid('user@alpen-c2.example') });
    expect(listed.auditEvents.totalCount).toBe(before + 1);
  });

  it("refuses someone else's export to everyone but the PRIVACY_OFFICER, and every export to API keys: FORBIDDEN", async () => {
    const input = { userId: uid('user@rhein-c1.example') };
    for (const email of [PERSONAS.vendorAdmin, PERSONAS.vendorStaff, PERSONAS.distributors.rhein.admin, 'admin@rhein-c1.example', 'user@rhein-c2.example']) {
      const r = await (await hub.as(email)).gql(EXPORT, { input });
      expect(`${email}: ${codes(r)}`).toBe(`${email}: FORBIDDEN`);
      expect(r.body.data).toEqual({ exportPersonalData: null });
    }
    for (const org of ['mobotix', 'rhein', 'rhein-c1']) {
      const { secret } = await createApiKey(hub.dataSource, { org, scopes: ['customers:read', 'licenses:read', 'personal_data:read'] });
      expect(codes(await hub.withToken(secret).gql(EXPORT, { input }))).toEqual(['FORBIDDEN']);
    }
    const unknown = await dpo.gql(EXPORT, { input: { userId: toGlobalId('PortalUser', '019b76da-a800-7000-8000-000000000000') } });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    const wrongType = await dpo.gql(EXPORT, { input: { userId: toGlobalId('Organization', orgId('rhein')) } });
    expect(codes(wrongType)).toEqual(['BAD_USER_INPUT']);
    expect(wrongType.body.errors![0].extensions!.field).toBe('input.userId');
  });

  it("gives a distributor's own export its activations but not its customers' computer names and host ids once its transfer gate is closed; the officer's export of the same person holds them", async () => {
    const now = hub.now;
    const mumbaiAdmin = PERSONAS.distributors.mumbai.admin;
    const known = await hub.dataSource.getRepository(Computer).findOneByOrFail({ id: computerId('mumbai-c2', 1) });
    try {
      // 2025-06-01: mumbai's SCC is in force; its admin activates on behalf of its customer, on a
      // computer the customer has and on a new one.
      hub.now = new Date('2025-06-01T10:00:00.000Z');
      const [licenseId] = await registerFresh(hub, { distributor: 'mumbai', seats: 3, validFrom: '2025-01-01T00:00:00.000Z' });
      await (await hub.as(PERSONAS.distributors.mumbai.user)).data(ALLOCATE, { input: { licenseIds: [licenseId], customerId: toGlobalId('Organization', orgId('mumbai-c2')) } });
      const mumbai = await hub.as(mumbaiAdmin);
      for (const pc of [computer(known.hostId, 'ignored'), computer('MUMBAI-C2-LAB-7F21', 'Secret Lab PC', known.os)]) {
        const r = await mumbai.gql(ACTIVATE, { input: { licenseId, computer: pc } });
        expect(r.body.errors).toBeUndefined();
      }
    } finally {
      hub.now = now;
    }

    // Now (the SCC expired 2025-12-31) the gate is closed.
    const own = await (await hub.as(mumbaiAdmin)).gql(EXPORT, { input: { userId: uid(mumbaiAdmin) } });
    expect(own.body.errors).toBeUndefined();
    const bytes = JSON.stringify(own.body);
    for (const hidden of [known.name, known.hostId, 'Secret Lab PC', 'MUMBAI-C2-LAB-7F21']) expect(bytes).not.toContain(hidden);
    const { document } = own.body.data.exportPersonalData;
    expect(document.activations).toHaveLength(2);
    expect(document.computers).toHaveLength(2);
    // Both computers read the same but for their id (and the public OS, here the same): the one the customer had, and the new one.
    const withheld = document.computers.map(({ id, ...rest }: { id: string }) => rest);
    expect(withheld[0]).toEqual(withheld[1]);
    expect(withheld[0]).toEqual({
      name: null,
      hostId: null,
      os: known.os,
      organization: toGlobalId('Organization', orgId('mumbai-c2')),
      withheld: { fields: ['name', 'hostId'], code: 'TRANSFER_BASIS_REQUIRED', reason: expect.stringContaining('no data-transfer basis in force') },
    });
    // The record of the export names no computer field: none left.
    const [event] = await hub.dataSource.getRepository(AuditEvent).find({ where: { subjectId: userId(mumbaiAdmin), action: 'personal_data.exported' }, order: { id: 'DESC' }, take: 1 });
    expect(event.fields).toEqual(['PortalUser.name', 'PortalUser.email', 'PortalUser.phone']);

    // The vendor (the EU controller) is never gated: the officer's export of the same person holds them.
    const byOfficer = JSON.stringify(await dpo.data(EXPORT, { input: { userId: uid(mumbaiAdmin) } }));
    for (const value of [known.name, known.hostId, 'Secret Lab PC', 'MUMBAI-C2-LAB-7F21']) expect(byOfficer).toContain(value);
  });
});
