import { licenseId, PERSONAS, userId } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { Activation } from '../../src/modules/activation/activation.entity';
import { ApiKey } from '../../src/modules/api-key/api-key.entity';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { License } from '../../src/modules/license/license.entity';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { createApiKey } from '../helpers/api-keys';
import { Client, codes, TestHub } from '../helpers/hub';

const WITHDRAW = `mutation($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { user { id status consentGivenAt consentWithdrawnAt } } }`;
const RECORD = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { user { id status consentGivenAt consentWithdrawnAt } } }`;
const LICENSE = `query($id: ID!) { license(id: $id) { status seats seatsUsed licensee { status consentWithdrawnAt } activations { nodes { deactivatedAt } } } }`;

const uid = (email: string) => toGlobalId('PortalUser', userId(email));
const lid = (slug: Parameters<typeof licenseId>[0], n: number) => toGlobalId('License', licenseId(slug, n));
const DAY = 24 * 3600 * 1000;

describe('withdrawConsent and recordConsent (P9, GDPR Art. 7(3))', () => {
  let hub: TestHub;
  let dpo: Client;

  beforeAll(async () => {
    hub = await TestHub.start('privacy_consent');
    dpo = await hub.as(PERSONAS.privacyOfficer);
  });
  afterAll(() => hub?.close());

  const user = (email: string) => hub.dataSource.getRepository(PortalUser).findOneByOrFail({ id: userId(email) });
  const events = (subjectId: string) => hub.dataSource.getRepository(AuditEvent).find({ where: { subjectId }, order: { id: 'ASC' } });

  it('refuses the withdrawn person\'s token on the very next request: 401 UNAUTHENTICATED "consent withdrawn"', async () => {
    const person = await hub.as('user@rhein-c1.example');
    expect((await person.gql(`{ viewer { role } }`)).status).toBe(200);

    const r = await person.gql(WITHDRAW, { input: {} });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.withdrawConsent.user).toMatchObject({ id: uid('user@rhein-c1.example'), status: 'WITHDRAWN', consentWithdrawnAt: hub.now.toISOString() });

    const next = await person.gql(`{ viewer { role } }`);
    expect(next.status).toBe(401);
    expect(next.body.data).toBeUndefined();
    expect(next.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(next.body.errors![0].message).toBe('consent withdrawn');
    // A fresh token does not help either.
    expect((await (await hub.as('user@rhein-c1.example')).gql(`{ viewer { role } }`)).body.errors![0].message).toBe('consent withdrawn');
  });

  it('shows the serving distributor the lapsed license: status LAPSED, seatsUsed 0, its activations ended', async () => {
    const rhein = await hub.as(PERSONAS.distributors.rhein.admin);
    const r = await rhein.data(LICENSE, { id: lid('rhein', 5) });
    expect(r.license).toMatchObject({ status: 'LAPSED', seats: 5, seatsUsed: 0, licensee: { status: 'WITHDRAWN' } });
    expect(r.license.activations.nodes.map((a: { deactivatedAt: string }) => a.deactivatedAt)).toEqual([hub.now.toISOString()]);
    // The other licenses of the same customer, whose licensee the person is not, are untouched.
    expect((await rhein.data(LICENSE, { id: lid('rhein', 6) })).license).toMatchObject({ status: 'ALLOCATED', seatsUsed: 2 });
  });

  it("shows the person's organization admin the lapse and the withdrawal", async () => {
    const admin = await hub.as('admin@rhein-c1.example');
    const r = await admin.data(LICENSE, { id: lid('rhein', 5) });
    expect(r.license).toMatchObject({ status: 'LAPSED', seatsUsed: 0, licensee: { status: 'WITHDRAWN', consentWithdrawnAt: hub.now.toISOString() } });
  });

  it('records consent.withdrawn on the person and license.lapsed on the license, in the same request', async () => {
    const [withdrawn] = (await events(userId('user@rhein-c1.example'))).filter((e) => e.action === 'consent.withdrawn');
    expect(withdrawn).toMatchObject({ actorId: userId('user@rhein-c1.example'), actorType: 'USER' });
    expect(JSON.parse(withdrawn.detail!)).toMatchObject({ onBehalf: false, lapsedLicenses: 1, endedActivations: 1 });
    const [lapsed] = (await events(licenseId('rhein', 5))).filter((e) => e.action === 'license.lapsed');
    expect(lapsed.requestId).toBe(withdrawn.requestId);
    const stored = await hub.dataSource.getRepository(License).findOneByOrFail({ id: licenseId('rhein', 5) });
    expect(stored).toMatchObject({ state: 'LAPSED', lapsedAt: hub.now });
  });

  it("records the officer's withdrawal on someone's behalf from the date the notice was received", async () => {
    const receivedAt = new Date(hub.now.getTime() - 3 * DAY);
    const person = await hub.as('user@alpen-c1.example');
    const r = await dpo.gql(WITHDRAW, { input: { userId: uid('user@alpen-c1.example'), receivedAt: receivedAt.toISOString() } });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.withdrawConsent.user).toMatchObject({ status: 'WITHDRAWN', consentWithdrawnAt: receivedAt.toISOString() });

    // The legal facts carry the receipt; the activations ended when the hub ended them (docs/privacy.md).
    const license = await hub.dataSource.getRepository(License).findOneByOrFail({ id: licenseId('alpen', 5) });
    expect(license).toMatchObject({ state: 'LAPSED', lapsedAt: receivedAt });
    const activations = await hub.dataSource.getRepository(Activation).findBy({ licenseId: licenseId('alpen', 5) });
    expect(activations.map((a) => a.deactivatedAt)).toEqual([hub.now]);
    const [event] = (await events(userId('user@alpen-c1.example'))).filter((e) => e.action === 'consent.withdrawn');
    expect(event.actorId).toBe(userId(PERSONAS.privacyOfficer));
    expect(JSON.parse(event.detail!)).toMatchObject({ onBehalf: true, receivedAt: receivedAt.toISOString() });

    expect((await person.gql(`{ viewer { role } }`)).status).toBe(401);
    const alpen = await hub.as(PERSONAS.distributors.alpen.user);
    expect((await alpen.data(LICENSE, { id: lid('alpen', 5) })).license).toMatchObject({ status: 'LAPSED', seatsUsed: 0 });
  });

  it('revokes the API keys the person created: they stop working too', async () => {
    const { secret, key } = await createApiKey(hub.dataSource, { org: 'liberty-c1', scopes: ['licenses:read'] });
    await hub.dataSource.getRepository(ApiKey).update({ id: key.id }, { createdById: userId('admin@liberty-c1.example') });
    expect((await hub.withToken(secret).gql(`{ licenses { totalCount } }`)).status).toBe(200);

    const admin = await hub.as('admin@liberty-c1.example');
    expect((await admin.gql(WITHDRAW, { input: { userId: uid('admin@liberty-c1.example') } })).body.errors).toBeUndefined();
    const refused = await hub.withToken(secret).gql(`{ licenses { totalCount } }`);
    expect(refused.status).toBe(401);
    expect(refused.body.errors![0].message).toBe('API key revoked');
    expect((await events(key.id)).map((e) => e.action)).toEqual(['api_key.revoked']);
  });

  it('refuses a second withdrawal with CONFLICT, and a receipt in the future or before the consent with BAD_USER_INPUT', async () => {
    const again = await dpo.gql(WITHDRAW, { input: { userId: uid('user@rhein-c1.example'), receivedAt: hub.now.toISOString() } });
    expect(codes(again)).toEqual(['CONFLICT']);
    expect(again.body.data).toEqual({ withdrawConsent: null });

    const before = await user('user@oldglory-c1.example');
    const future = await dpo.gql(WITHDRAW, { input: { userId: uid('user@oldglory-c1.example'), receivedAt: new Date(hub.now.getTime() + 60_000).toISOString() } });
    expect(codes(future)).toEqual(['BAD_USER_INPUT']);
    expect(future.body.errors![0].extensions!.field).toBe('input.receivedAt');
    const early = await dpo.gql(WITHDRAW, { input: { userId: uid('user@oldglory-c1.example'), receivedAt: '2023-01-01T00:00:00.000Z' } });
    expect(codes(early)).toEqual(['BAD_USER_INPUT']);
    expect(early.body.errors![0].extensions!.field).toBe('input.receivedAt');
    // A person withdrawing in the portal withdraws now; only the officer dates a notice.
    const self = await (await hub.as('user@oldglory-c1.example')).gql(WITHDRAW, { input: { receivedAt: new Date(hub.now.getTime() - DAY).toISOString() } });
    expect(codes(self)).toEqual(['BAD_USER_INPUT']);
    expect(self.body.errors![0].extensions!.field).toBe('input.receivedAt');
    expect(await user('user@oldglory-c1.example')).toEqual(before);

    const unknown = await dpo.gql(WITHDRAW, { input: { userId: toGlobalId('PortalUser', '019b76da-a800-7000-8000-000000000000') } });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    const malformed = await dpo.gql(WITHDRAW, { input: { userId: toGlobalId('License', licenseId('rhein', 1)) } });
    expect(codes(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(malformed.body.errors![0].extensions!.field).toBe('input.userId');
  });

  it("refuses anyone else's withdrawal to everyone but the PRIVACY_OFFICER, and every withdrawal to API keys: FORBIDDEN, nothing written", async () => {
    const target = uid('user@vigilancia-c1.example');
    const before = await user('user@vigilancia-c1.example');
    for (const email of [PERSONAS.vendorAdmin, PERSONAS.vendorStaff, PERSONAS.distributors.vigilancia.admin, 'admin@vigilancia-c1.example', 'user@vigilancia-c2.example']) {
      const r = await (await hub.as(email)).gql(WITHDRAW, { input: { userId: target } });
      expect(`${email}: ${codes(r)}`).toBe(`${email}: FORBIDDEN`);
      expect(r.body.data).toEqual({ withdrawConsent: null });
    }
    for (const org of ['vigilancia-c1', 'mobotix']) {
      const { secret } = await createApiKey(hub.dataSource, { org, scopes: ['licenses:read', 'licenses:write', 'personal_data:read'] });
      expect(codes(await hub.withToken(secret).gql(WITHDRAW, { input: { userId: target } }))).toEqual(['FORBIDDEN']);
      expect(codes(await hub.withToken(secret).gql(WITHDRAW, { input: {} }))).toEqual(['FORBIDDEN']);
    }
    expect(await user('user@vigilancia-c1.example')).toEqual(before);
  });

  it('brings a withdrawn person back only by new consent recorded explicitly; their licenses stay LAPSED', async () => {
    hub.now = new Date(hub.now.getTime() + DAY);
    dpo = await hub.as(PERSONAS.privacyOfficer); // tokens live an hour
    const person = await hub.as('user@rhein-c1.example');
    expect((await person.gql(`{ viewer { role } }`)).status).toBe(401);

    const early = await dpo.gql(RECORD, { input: { userId: uid('user@rhein-c1.example'), givenAt: new Date(hub.now.getTime() - 2 * DAY).toISOString() } });
    expect(codes(early)).toEqual(['BAD_USER_INPUT']);
    expect(early.body.errors![0].extensions!.field).toBe('input.givenAt');

    const r = await dpo.gql(RECORD, { input: { userId: uid('user@rhein-c1.example'), givenAt: hub.now.toISOString() } });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.recordConsent.user).toMatchObject({ status: 'ACTIVE', consentGivenAt: hub.now.toISOString() });
    expect((await person.gql(`{ viewer { role } }`)).status).toBe(200);
    expect((await person.data(LICENSE, { id: lid('rhein', 5) })).license).toMatchObject({ status: 'LAPSED', seatsUsed: 0 });
    expect((await events(userId('user@rhein-c1.example'))).map((e) => e.action)).toEqual(expect.arrayContaining(['consent.withdrawn', 'consent.given']));

    const twice = await dpo.gql(RECORD, { input: { userId: uid('user@rhein-c1.example'), givenAt: hub.now.toISOString() } });
    expect(codes(twice)).toEqual(['CONFLICT']);
    // The vendor admin may record it too; nobody else.
    for (const email of [PERSONAS.vendorStaff, PERSONAS.distributors.alpen.admin, 'admin@alpen-c1.example', 'user@alpen-c2.example']) {
      const denied = await (await hub.as(email)).gql(RECORD, { input: { userId: uid('user@alpen-c1.example'), givenAt: hub.now.toISOString() } });
      expect(`${email}: ${codes(denied)}`).toBe(`${email}: FORBIDDEN`);
    }
    const { secret } = await createApiKey(hub.dataSource, { org: 'mobotix', scopes: ['licenses:read', 'personal_data:read'] });
    expect(codes(await hub.withToken(secret).gql(RECORD, { input: { userId: uid('user@alpen-c1.example'), givenAt: hub.now.toISOString() } }))).toEqual(['FORBIDDEN']);
    const admin = await hub.as(PERSONAS.vendorAdmin);
    expect((await admin.data(RECORD, { input: { userId: uid('user@alpen-c1.example'), givenAt: hub.now.toISOString() } })).recordConsent.user.status).toBe('ACTIVE');
  });
});
