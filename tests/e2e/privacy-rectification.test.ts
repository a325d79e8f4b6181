import { PERSONAS, userId } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { SecretBox } from '../../src/common/secret-box';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { auditValueDigest } from '../../src/common/audit-digest';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { createApiKey } from '../helpers/api-keys';
import { Client, codes, TestHub } from '../helpers/hub';
import { tableRows } from '../helpers/table-snapshot';

const UPDATE = `mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { user { id name email phone } } }`;
const RECTIFY = `mutation($input: RectifyPersonalDataInput!) { rectifyPersonalData(input: $input) { user { id name email phone } } }`;

const uid = (email: string) => toGlobalId('PortalUser', userId(email));

describe('updateMyProfile and rectifyPersonalData (GDPR Art. 16)', () => {
  let hub: TestHub;
  let dpo: Client;
  let secrets: SecretBox;

  beforeAll(async () => {
    hub = await TestHub.start('privacy_rectification');
    dpo = await hub.as(PERSONAS.privacyOfficer);
    secrets = new SecretBox(hub.config.secretsKey);
  });
  afterAll(() => hub?.close());

  const eventsOf = (email: string) => hub.dataSource.getRepository(AuditEvent).find({ where: { subjectId: userId(email) }, order: { id: 'ASC' } });
  const written = async () => ({ users: await tableRows(hub.dataSource, 'portal_user'), audit: await tableRows(hub.dataSource, 'audit_event') });

  it('lets a person correct their own name, e-mail and phone, normalized, and records which fields changed', async () => {
    const person = await hub.as('user@gulf-c1.example');
    const r = await person.data(UPDATE, { input: { name: '  Aisha N. Nasser ', email: ' Aisha.Nasser@Gulf-C1.example', phone: '+971 4 555 02-99' } });
    expect(r.updateMyProfile.user).toEqual({ id: uid('user@gulf-c1.example'), name: 'Aisha N. Nasser', email: 'aisha.nasser@gulf-c1.example', phone: '+971 4 555 02-99' });
    // The token names the person, not the address: it keeps working.
    expect((await person.data(`{ viewer { user { email } } }`)).viewer.user.email).toBe('aisha.nasser@gulf-c1.example');

    const [event] = (await eventsOf('user@gulf-c1.example')).filter((e) => e.action === 'profile.updated');
    expect(event).toMatchObject({ actorId: userId('user@gulf-c1.example'), subjectType: 'PortalUser', fields: ['PortalUser.name', 'PortalUser.email', 'PortalUser.phone'] });
    // Neither old nor new values in clear: keyed digests, which only the key holder can check against a claimed value.
    for (const value of ['Aisha Nasser', 'user@gulf-c1.example', '+971 4 555 02-12', 'Aisha N. Nasser', 'aisha.nasser@gulf-c1.example', '+971 4 555 02-99', 'Nasser', '555']) {
      expect(event.detail).not.toContain(value);
    }
    const detail = JSON.parse(event.detail!);
    expect(detail.changes['PortalUser.email']).toEqual({
      before: auditValueDigest(secrets, userId('user@gulf-c1.example'), 'email', 'user@gulf-c1.example'),
      after: auditValueDigest(secrets, userId('user@gulf-c1.example'), 'email', 'aisha.nasser@gulf-c1.example'),
    });
    expect(detail.changes['PortalUser.name'].before).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(detail.onBehalf).toBe(false);
  });

  it("lets the PRIVACY_OFFICER rectify a person's data: only the fields that changed are recorded; phone: null removes it", async () => {
    const r = await dpo.data(RECTIFY, { input: { userId: uid('user@gulf-c2.example'), name: 'Mariam Khalil-Saleh', email: 'user@gulf-c2.example', phone: null } });
    expect(r.rectifyPersonalData.user).toEqual({ id: uid('user@gulf-c2.example'), name: 'Mariam Khalil-Saleh', email: 'user@gulf-c2.example', phone: null });
    const [event] = (await eventsOf('user@gulf-c2.example')).filter((e) => e.action === 'personal_data.rectified');
    expect(event).toMatchObject({ actorId: userId(PERSONAS.privacyOfficer), fields: ['PortalUser.name', 'PortalUser.phone'] });
    const detail = JSON.parse(event.detail!);
    expect(detail.onBehalf).toBe(true);
    expect(detail.changes['PortalUser.phone'].after).toBeNull();
    expect(Object.keys(detail.changes)).toEqual(['PortalUser.name', 'PortalUser.phone']);

    const before = await written();
    const same = await dpo.data(RECTIFY, { input: { userId: uid('user@gulf-c2.example'), name: 'Mariam Khalil-Saleh' } });
    expect(same.rectifyPersonalData.user.name).toBe('Mariam Khalil-Saleh');
    expect((await written()).users).toEqual(before.users);
    expect((await eventsOf('user@gulf-c2.example')).filter((e) => e.action === 'personal_data.rectified')).toHaveLength(1);
  });

  it('names the field of each bad input and writes nothing', async () => {
    const target = uid('user@bosphorus-c1.example');
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'input.name'],
      [{ name: '    ' }, 'input.name'],
      [{ name: 'x'.repeat(201) }, 'input.name'],
      [{ name: null }, 'input.name'],
      [{ name: 'Zeynep\u0000Şahin' }, 'input.name'],
      [{ email: 'not-an-address' }, 'input.email'],
      [{ email: 'two@@ats.example' }, 'input.email'],
      [{ email: 'nodot@localhost' }, 'input.email'],
      [{ email: `${'a'.repeat(64)}@${'b'.repeat(185)}.example` }, 'input.email'],
      [{ email: null }, 'input.email'],
      [{ email: 'zeynep@erased.invalid' }, 'input.email'],
      [{ phone: 'call me maybe' }, 'input.phone'],
      [{ phone: '+90 216 555 02-12; DROP TABLE' }, 'input.phone'],
      [{ phone: '1'.repeat(65) }, 'input.phone'],
      [{ phone: '+-' }, 'input.phone'],
      [{}, 'input'],
    ];
    const before = await written();
    for (const [fields, field] of cases) {
      for (const r of [await dpo.gql(RECTIFY, { input: { userId: target, ...fields } }), await (await hub.as('user@bosphorus-c1.example')).gql(UPDATE, { input: fields })]) {
        expect(`${JSON.stringify(fields).slice(0, 60)}: ${codes(r)} ${r.body.errors?.[0].extensions?.field}`).toBe(`${JSON.stringify(fields).slice(0, 60)}: BAD_USER_INPUT ${field}`);
        expect(r.body.errors![0].message).toContain(field);
      }
    }
    const wrongType = await dpo.gql(RECTIFY, { input: { userId: toGlobalId('Organization', userId('x')), name: 'X' } });
    expect(wrongType.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.userId' });
    const unknown = await dpo.gql(RECTIFY, { input: { userId: toGlobalId('PortalUser', '019b76da-a800-7000-8000-000000000000'), name: 'X' } });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expect(await written()).toEqual(before);
  });

  it("refuses another person's e-mail address with CONFLICT naming input.email, without saying whose, and writes nothing", async () => {
    const before = await written();
    for (const email of ['admin@bosphorus-c2.example', 'ADMIN@Bosphorus-C2.example']) {
      const own = await (await hub.as('user@bosphorus-c2.example')).gql(UPDATE, { input: { email, name: 'Someone Else' } });
      const byOfficer = await dpo.gql(RECTIFY, { input: { userId: uid('user@bosphorus-c2.example'), email } });
      for (const r of [own, byOfficer]) {
        expect(codes(r)).toEqual(['CONFLICT']);
        expect(r.body.errors![0].extensions!.field).toBe('input.email');
        expect(r.body.errors![0].message).toContain('input.email');
        expect(r.body.errors![0].message.toLowerCase()).not.toContain('admin@bosphorus-c2.example');
        expect(r.body.errors![0].message).not.toContain('Burak');
      }
    }
    expect(await written()).toEqual(before);
  });

  it('answers an address used in another organization exactly as a free one, for the person and for the officer (no existence oracle across tenants)', async () => {
    const person = await hub.as('user@nordlicht-c1.example');
    const other = await hub.dataSource.getRepository(PortalUser).findOneByOrFail({ id: userId('admin@lioncity-c2.example') });
    const shape = (r: { body: unknown }, email: string) => JSON.stringify(r.body).replace(email, '<email>');
    const taken = await person.gql(UPDATE, { input: { email: 'admin@lioncity-c2.example' } });
    expect(taken.body).toEqual({ data: { updateMyProfile: { user: expect.objectContaining({ id: uid('user@nordlicht-c1.example'), email: 'admin@lioncity-c2.example' }) } } });
    const free = await person.gql(UPDATE, { input: { email: 'nobody.has.this@nordlicht-c1-free.example' } });
    expect(shape(taken, 'admin@lioncity-c2.example')).toBe(shape(free, 'nobody.has.this@nordlicht-c1-free.example'));
    for (const value of [other.name, uid('admin@lioncity-c2.example'), toGlobalId('Organization', other.organizationId), 'lioncity'])
      expect(shape(taken, 'admin@lioncity-c2.example')).not.toContain(value);

    const byOfficer = await dpo.gql(RECTIFY, { input: { userId: uid('user@nordlicht-c1.example'), email: 'ADMIN@lioncity-c2.example' } });
    const freeByOfficer = await dpo.gql(RECTIFY, { input: { userId: uid('user@nordlicht-c1.example'), email: 'nobody.has.this@nordlicht-c1-free.example' } });
    expect(shape(byOfficer, 'admin@lioncity-c2.example')).toBe(shape(freeByOfficer, 'nobody.has.this@nordlicht-c1-free.example'));
    // The other person is untouched.
    expect(await hub.dataSource.getRepository(PortalUser).findOneByOrFail({ id: other.id })).toEqual(other);
  });

  it('refuses to rectify an erased person with CONFLICT', async () => {
    await hub.dataSource.getRepository(PortalUser).update({ id: userId('admin@andes-c1.example') }, { status: 'ERASED' as never });
    const r = await dpo.gql(RECTIFY, { input: { userId: uid('admin@andes-c1.example'), name: 'Felipe Rojas' } });
    expect(codes(r)).toEqual(['CONFLICT']);
  });

  it('lets every role update its own profile, never an API key; rectification only the PRIVACY_OFFICER: FORBIDDEN otherwise', async () => {
    const people = [
      PERSONAS.vendorAdmin,
      PERSONAS.vendorStaff,
      PERSONAS.privacyOfficer,
      PERSONAS.distributors.andes.admin,
      PERSONAS.distributors.andes.user,
      'admin@andes-c2.example',
      'user@andes-c2.example',
    ];
    for (const [i, email] of people.entries()) {
      const r = await (await hub.as(email)).gql(UPDATE, { input: { phone: `+56 2 2555 99-0${i}` } });
      expect(`${email}: ${JSON.stringify(r.body.errors ?? null)}`).toBe(`${email}: null`);
      expect(r.body.data.updateMyProfile.user).toMatchObject({ id: uid(email), phone: `+56 2 2555 99-0${i}` });
    }
    const before = await written();
    for (const email of people.filter((p) => p !== PERSONAS.privacyOfficer)) {
      const r = await (await hub.as(email)).gql(RECTIFY, { input: { userId: uid('user@andes-c2.example'), name: 'Changed By Someone' } });
      expect(`${email}: ${codes(r)}`).toBe(`${email}: FORBIDDEN`);
      expect(r.body.data).toEqual({ rectifyPersonalData: null });
    }
    for (const org of ['mobotix', 'andes', 'andes-c2']) {
      const { secret } = await createApiKey(hub.dataSource, { org, scopes: ['customers:read', 'licenses:read', 'licenses:write', 'personal_data:read'] });
      expect(codes(await hub.withToken(secret).gql(UPDATE, { input: { name: 'A Key' } }))).toEqual(['FORBIDDEN']);
      expect(codes(await hub.withToken(secret).gql(RECTIFY, { input: { userId: uid('user@andes-c2.example'), name: 'A Key' } }))).toEqual(['FORBIDDEN']);
    }
    const after = await written();
    expect(after.users).toEqual(before.users);
  });
});
