import { PERSONAS, orgId, userId } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { SecretBox } from '../../src/common/secret-box';
import { ApiKey } from '../../src/modules/api-key/api-key.entity';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { auditValueDigest } from '../../src/common/audit-digest';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, GraphQLResponse, TestHub } from '../helpers/hub';
import { clientsOf, org, soleError, uid, uuidOf, writeEventsOf, writtenState } from '../helpers/management';
import { snapshot } from '../helpers/table-snapshot';

const USER_FIELDS = 'id name email phone role status consentGivenAt consentWithdrawnAt organization { id }';
const INVITE = `mutation($input: InviteUserInput!) { inviteUser(input: $input) { user { ${USER_FIELDS} } } }`;
const UPDATE = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { ${USER_FIELDS} } } }`;
const DISABLE = `mutation($input: DisableUserInput!) { disableUser(input: $input) { user { id status } } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }`;
const VIEWER = `{ viewer { actorType role user { email } } }`;

describe(`portal users: inviteUser, updateUser, disableUser (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;
  let secrets: SecretBox;

  beforeAll(async () => {
    hub = await TestHub.start('management_users');
    admin = await hub.as(PERSONAS.vendorAdmin);
    secrets = new SecretBox(hub.config.secretsKey);
  });
  afterAll(() => hub?.close());

  describe('inviteUser', () => {
    it('lets a customer admin invite a person into its own organization, normalized, ACTIVE, without a consent nobody gave; audited by field names', async () => {
      const customerAdmin = await hub.as('admin@vigilancia-c1.example');
      const r = await customerAdmin.gql(INVITE, {
        input: { organizationId: org('vigilancia-c1'), name: '  Ana Souza ', email: ' Ana.Souza@Vigilancia-C1.example ', phone: '+55 11 5555 0101', role: 'CUSTOMER_USER' },
      });
      expect(r.body.errors).toBeUndefined();
      const user = r.body.data.inviteUser.user;
      expect(user).toEqual({
        id: expect.any(String),
        name: 'Ana Souza',
        email: 'ana.souza@vigilancia-c1.example',
        phone: '+55 11 5555 0101',
        role: 'CUSTOMER_USER',
        status: 'ACTIVE',
        consentGivenAt: null,
        consentWithdrawnAt: null,
        organization: { id: org('vigilancia-c1') },
      });
      // The new person signs in.
      expect((await (await hub.as('ana.souza@vigilancia-c1.example')).data(VIEWER)).viewer).toEqual({ actorType: 'USER', role: 'CUSTOMER_USER', user: { email: 'ana.souza@vigilancia-c1.example' } });

      const [event] = await writeEventsOf(hub, uuidOf(user.id));
      expect(event).toMatchObject({ action: 'user.invited', actorId: userId('admin@vigilancia-c1.example'), fields: ['PortalUser.name', 'PortalUser.email', 'PortalUser.phone'] });
      for (const value of ['Ana', 'Souza', 'vigilancia-c1.example', '5555']) expect(event.detail).not.toContain(value);
      expect(JSON.parse(event.detail!)).toEqual({ organizationId: orgId('vigilancia-c1'), role: 'CUSTOMER_USER' });

      // A customer admin may make another admin of its kind.
      const second = await customerAdmin.data(INVITE, { input: { organizationId: org('vigilancia-c1'), name: 'Bruno Lima', email: 'bruno.lima@vigilancia-c1.example', role: 'CUSTOMER_ADMIN' } });
      expect(second.inviteUser.user).toMatchObject({ role: 'CUSTOMER_ADMIN', phone: null });
    });

    it('lets a distributor admin invite into its own organization, and VENDOR_ADMIN into any', async () => {
      const distributorAdmin = await hub.as(PERSONAS.distributors.vigilancia.admin);
      const own = await distributorAdmin.data(INVITE, { input: { organizationId: org('vigilancia'), name: 'Carla Dias', email: 'carla.dias@vigilancia.example', role: 'DISTRIBUTOR_ADMIN' } });
      expect(own.inviteUser.user).toMatchObject({ role: 'DISTRIBUTOR_ADMIN', organization: { id: org('vigilancia') } });
      for (const [slug, role] of [
        ['mobotix', 'PRIVACY_OFFICER'],
        ['gulf', 'DISTRIBUTOR_USER'],
        ['gulf-c2', 'CUSTOMER_ADMIN'],
      ] as const) {
        const r = await admin.data(INVITE, { input: { organizationId: org(slug), name: `New ${role}`, email: `new.${role.toLowerCase()}@${slug}.example`, role } });
        expect(r.inviteUser.user).toMatchObject({ role, status: 'ACTIVE', organization: { id: org(slug) } });
      }
    });

    it('refuses a role of another kind of organization (BAD_USER_INPUT naming input.role) and bad contact data, naming each field, writing nothing', async () => {
      const customerAdmin = await hub.as('admin@vigilancia-c2.example');
      const before = await snapshot(hub.dataSource);
      for (const [client, slug, role] of [
        [customerAdmin, 'vigilancia-c2', 'VENDOR_ADMIN'],
        [customerAdmin, 'vigilancia-c2', 'DISTRIBUTOR_USER'],
        [admin, 'vigilancia-c2', 'DISTRIBUTOR_ADMIN'],
        [admin, 'vigilancia', 'CUSTOMER_ADMIN'],
        [admin, 'mobotix', 'DISTRIBUTOR_ADMIN'],
      ] as const) {
        const r = await client.gql(INVITE, { input: { organizationId: org(slug), name: 'Someone', email: 'someone.new@example.example', role } });
        expect(`${slug} ${role}: ${codes(r)} ${r.body.errors?.[0].extensions?.field}`).toBe(`${slug} ${role}: BAD_USER_INPUT input.role`);
        expect(r.body.data).toEqual({ inviteUser: null });
      }
      const base = { organizationId: org('vigilancia-c2'), name: 'Someone', email: 'someone.new@example.example', role: 'CUSTOMER_USER' };
      for (const [fields, field] of [
        [{ name: '' }, 'input.name'],
        [{ name: 'x'.repeat(201) }, 'input.name'],
        [{ email: 'not-an-address' }, 'input.email'],
        [{ email: 'someone@erased.invalid' }, 'input.email'],
        [{ phone: 'ring ring' }, 'input.phone'],
        [{ organizationId: uid('admin@vigilancia-c2.example') }, 'input.organizationId'],
      ] as const) {
        const r = await customerAdmin.gql(INVITE, { input: { ...base, ...fields } });
        expect(`${JSON.stringify(fields).slice(0, 40)}: ${codes(r)} ${r.body.errors?.[0].extensions?.field}`).toBe(`${JSON.stringify(fields).slice(0, 40)}: BAD_USER_INPUT ${field}`);
      }
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });

    it('refuses an address already used in the same organization (CONFLICT naming input.email), in any case, without saying whose, writing nothing', async () => {
      const customerAdmin = await hub.as('admin@vigilancia-c2.example');
      const before = await snapshot(hub.dataSource);
      for (const email of ['user@vigilancia-c2.example', 'USER@Vigilancia-C2.example', 'admin@vigilancia-c2.example']) {
        const r = await customerAdmin.gql(INVITE, { input: { organizationId: org('vigilancia-c2'), name: 'Copy Cat', email, role: 'CUSTOMER_USER' } });
        const error = soleError(r);
        expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email', rule: 'user.email_unique' });
        expect(error.message).toContain('input.email');
        expect(error.message.toLowerCase()).not.toContain(email.toLowerCase());
      }
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });

    it('answers an address used in another organization exactly as a free one: invited alike, nothing of the other person in the answer (no existence oracle across tenants)', async () => {
      const customerAdmin = await hub.as('admin@gulf-c2.example');
      const elsewhere = { email: 'user@andes-c1.example', person: await hub.dataSource.getRepository(PortalUser).findOneByOrFail({ id: userId('user@andes-c1.example') }) };
      const invite = (email: string) => customerAdmin.gql(INVITE, { input: { organizationId: org('gulf-c2'), name: 'Nadia Haddad', email, role: 'CUSTOMER_USER' } });
      const taken = await invite(elsewhere.email);
      const free = await invite('nobody.has.this@gulf-c2-free.example');
      // The same answer but for the new person's id and the address given.
      const shape = (r: GraphQLResponse, email: string) =>
        JSON.stringify(r.body)
          .replace(r.body.data?.inviteUser?.user?.id ?? '-', '<id>')
          .replace(email, '<email>');
      expect(taken.body.errors).toBeUndefined();
      expect(shape(taken, elsewhere.email)).toBe(shape(free, 'nobody.has.this@gulf-c2-free.example'));
      for (const value of [elsewhere.person.name, uid(elsewhere.email), org('andes-c1'), 'andes-c1.example']) expect(shape(taken, elsewhere.email)).not.toContain(value);
      // Two people now, each in their organization; the one in andes-c1 is untouched.
      expect(await hub.dataSource.getRepository(PortalUser).findOneByOrFail({ id: userId(elsewhere.email) })).toEqual(elsewhere.person);
      const people = await hub.dataSource.getRepository(PortalUser).find({ where: { email: elsewhere.email }, order: { createdAt: 'ASC' } });
      expect(people.map((p) => p.organizationId)).toEqual([orgId('andes-c1'), orgId('gulf-c2')]);
      // Within gulf-c2 the address is now taken.
      expect(soleError(await invite('USER@andes-c1.example')).extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
    });

    it('refuses non-admins, admins of other organizations, a distributor admin for its customers, and API keys: FORBIDDEN, nothing written', async () => {
      const refused = await clientsOf(
        hub,
        [PERSONAS.vendorStaff, PERSONAS.privacyOfficer, PERSONAS.distributors.liberty.admin, PERSONAS.distributors.liberty.user, 'admin@liberty-c2.example', 'user@liberty-c1.example'],
        ['mobotix', 'liberty', 'liberty-c1'],
      );
      const before = await snapshot(hub.dataSource);
      for (const [who, client] of refused) {
        const r = await client.gql(INVITE, { input: { organizationId: org('liberty-c1'), name: 'Not Invited', email: 'not.invited@liberty-c1.example', role: 'CUSTOMER_USER' } });
        expect(`${who}: ${codes(r)}`).toBe(`${who}: FORBIDDEN`);
        expect(r.body.data).toEqual({ inviteUser: null });
      }
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });
  });

  describe('updateUser', () => {
    it("lets an organization's admin change a person's name, phone and role within its kind: keyed digests of name and phone, the role in clear", async () => {
      const distributorAdmin = await hub.as(PERSONAS.distributors.lioncity.admin);
      const target = PERSONAS.distributors.lioncity.user;
      const old = await hub.dataSource.getRepository(PortalUser).findOneByOrFail({ id: userId(target) });
      const r = await distributorAdmin.gql(UPDATE, { input: { userId: uid(target), name: ' Mei Ling Tan ', phone: '+65 6555 0199', role: 'DISTRIBUTOR_ADMIN' } });
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.updateUser.user).toMatchObject({ id: uid(target), name: 'Mei Ling Tan', phone: '+65 6555 0199', role: 'DISTRIBUTOR_ADMIN', email: target });

      const [event] = (await writeEventsOf(hub, userId(target))).filter((e) => e.action === 'user.updated');
      expect(event).toMatchObject({ actorId: userId(PERSONAS.distributors.lioncity.admin), fields: ['PortalUser.name', 'PortalUser.phone', 'PortalUser.role'] });
      for (const value of [old.name, old.phone!, 'Mei Ling', '6555 0199']) expect(event.detail).not.toContain(value);
      const detail = JSON.parse(event.detail!);
      expect(detail.changes['PortalUser.name']).toEqual({
        before: auditValueDigest(secrets, userId(target), 'name', old.name),
        after: auditValueDigest(secrets, userId(target), 'name', 'Mei Ling Tan'),
      });
      expect(detail.role).toEqual({ before: 'DISTRIBUTOR_USER', after: 'DISTRIBUTOR_ADMIN' });
      expect(detail.onBehalf).toBe(true);

      // The same values again change nothing and write nothing; phone null removes it.
      const before = await writtenState(hub);
      await distributorAdmin.data(UPDATE, { input: { userId: uid(target), name: 'Mei Ling Tan', role: 'DISTRIBUTOR_ADMIN' } });
      expect(await writtenState(hub)).toEqual(before);
      expect((await distributorAdmin.data(UPDATE, { input: { userId: uid(target), phone: null } })).updateUser.user.phone).toBeNull();
    });

    it("keeps an organization's last active admin: demoting them is CONFLICT, by themself or by VENDOR_ADMIN, until another person is admin", async () => {
      const self = await hub.as('admin@lioncity-c1.example');
      const demote = { userId: uid('admin@lioncity-c1.example'), role: 'CUSTOMER_USER' };
      const before = await snapshot(hub.dataSource);
      for (const client of [self, admin]) {
        const error = soleError(await client.gql(UPDATE, { input: demote }));
        expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.role', rule: 'organization.keeps_an_admin' });
      }
      expect(await snapshot(hub.dataSource)).toEqual(before);
      await self.data(UPDATE, { input: { userId: uid('user@lioncity-c1.example'), role: 'CUSTOMER_ADMIN' } });
      expect((await self.data(UPDATE, { input: demote })).updateUser.user.role).toBe('CUSTOMER_USER');
      // VENDOR_ADMIN manages every organization's people.
      const byVendor = await admin.data(UPDATE, { input: { userId: uid('user@lioncity-c1.example'), name: 'Siti Rahman', role: 'CUSTOMER_ADMIN' } });
      expect(byVendor.updateUser.user).toMatchObject({ name: 'Siti Rahman', role: 'CUSTOMER_ADMIN' });
      const [event] = (await writeEventsOf(hub, userId('user@lioncity-c1.example'))).filter((e) => e.actorId === userId(PERSONAS.vendorAdmin));
      expect(event).toMatchObject({ action: 'user.updated', fields: ['PortalUser.name'] });
    });

    it('names the field of each bad input, NOT_FOUND for a person out of reach, and writes nothing', async () => {
      const customerAdmin = await hub.as('admin@lioncity-c2.example');
      const target = uid('user@lioncity-c2.example');
      const before = await snapshot(hub.dataSource);
      for (const [fields, field] of [
        [{ name: '' }, 'input.name'],
        [{ name: null }, 'input.name'],
        [{ phone: 'x'.repeat(10) }, 'input.phone'],
        [{ role: null }, 'input.role'],
        [{ role: 'DISTRIBUTOR_USER' }, 'input.role'],
        [{ role: 'VENDOR_ADMIN' }, 'input.role'],
        [{}, 'input'],
      ] as const) {
        const r = await customerAdmin.gql(UPDATE, { input: { userId: target, ...fields } });
        expect(`${JSON.stringify(fields)}: ${codes(r)} ${r.body.errors?.[0].extensions?.field}`).toBe(`${JSON.stringify(fields)}: BAD_USER_INPUT ${field}`);
      }
      expect(soleError(await customerAdmin.gql(UPDATE, { input: { userId: org('lioncity-c2'), name: 'X' } })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.userId' });
      // Another customer's person is out of this admin's rows: as if it did not exist.
      expect(codes(await customerAdmin.gql(UPDATE, { input: { userId: uid('user@lioncity-c1.example'), name: 'X' } }))).toEqual(['NOT_FOUND']);
      expect(codes(await admin.gql(UPDATE, { input: { userId: toGlobalId('PortalUser', '019b76da-a800-7000-8000-000000000000'), name: 'X' } }))).toEqual(['NOT_FOUND']);
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });

    it("refuses non-admins, a distributor admin for its customers' people, and API keys: FORBIDDEN, nothing written", async () => {
      const refused = await clientsOf(
        hub,
        [PERSONAS.vendorStaff, PERSONAS.privacyOfficer, PERSONAS.distributors.lioncity.admin, PERSONAS.distributors.lioncity.user, 'user@lioncity-c2.example'],
        ['mobotix', 'lioncity', 'lioncity-c2'],
      );
      const before = await snapshot(hub.dataSource);
      for (const [who, client] of refused) {
        const r = await client.gql(UPDATE, { input: { userId: uid('user@lioncity-c2.example'), name: 'Changed By Someone' } });
        expect(`${who}: ${codes(r)}`).toBe(`${who}: FORBIDDEN`);
        expect(r.body.data).toEqual({ updateUser: null });
      }
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });
  });

  describe('disableUser', () => {
    it("disables a person: their token gets 401 'user disabled', and the API keys they created are revoked in the same transaction", async () => {
      const person = 'admin@andes-c1.example';
      const personClient = await hub.as(person);
      const created = await personClient.data(CREATE_KEY, { input: { organizationId: org('andes-c1'), name: 'Camera sync', scopes: ['licenses:read'] } });
      const key = hub.withToken(created.createApiKey.secret);
      expect((await key.data(`{ viewer { actorType } }`)).viewer.actorType).toBe('API_KEY');

      const r = await admin.data(DISABLE, { input: { userId: uid(person) } });
      expect(r.disableUser.user).toEqual({ id: uid(person), status: 'DISABLED' });

      const token = await personClient.gql(VIEWER);
      expect(token.status).toBe(401);
      expect(token.body.errors![0]).toMatchObject({ message: 'user disabled', extensions: { code: 'UNAUTHENTICATED' } });
      const revoked = await key.gql(`{ viewer { actorType } }`);
      expect(revoked.status).toBe(401);
      expect(revoked.body.errors![0].message).toBe('API key revoked');
      const row = await hub.dataSource.getRepository(ApiKey).findOneByOrFail({ id: uuidOf(created.createApiKey.apiKey.id) });
      expect(row.revokedAt?.toISOString()).toBe(hub.now.toISOString());

      const requestId = (await writeEventsOf(hub, userId(person))).find((e) => e.action === 'user.disabled')!.requestId;
      const events = (await hub.dataSource.getRepository(AuditEvent).find({ where: { requestId }, order: { id: 'ASC' } })).filter((e) => e.action !== 'personal_data.read');
      expect(events.map((e) => [e.action, e.subjectId])).toEqual([
        ['user.disabled', userId(person)],
        ['api_key.revoked', row.id],
      ]);
      expect(JSON.parse(events[0].detail!)).toEqual({ revokedApiKeys: 1 });
    });

    it("lets an organization's admin disable its own people", async () => {
      for (const [adminEmail, userEmail] of [
        [PERSONAS.distributors.andes.admin, PERSONAS.distributors.andes.user],
        ['admin@gulf-c1.example', 'user@gulf-c1.example'],
      ]) {
        const user = await hub.as(userEmail);
        const r = await (await hub.as(adminEmail)).data(DISABLE, { input: { userId: uid(userEmail) } });
        expect(r.disableUser.user).toEqual({ id: uid(userEmail), status: 'DISABLED' });
        const refused = await user.gql(VIEWER);
        expect(refused.status).toBe(401);
        expect(refused.body.errors![0].message).toBe('user disabled');
      }
    });

    it('refuses to disable twice, to disable yourself, or a person who withdrew consent: CONFLICT, nothing written', async () => {
      await hub.dataSource.getRepository(PortalUser).update({ id: userId('user@andes-c2.example') }, { status: 'WITHDRAWN' as never });
      const before = await snapshot(hub.dataSource);
      const twice = soleError(await admin.gql(DISABLE, { input: { userId: uid(PERSONAS.distributors.andes.user) } }));
      expect(twice.extensions).toMatchObject({ code: 'CONFLICT', rule: 'user.disable_once' });
      const self = soleError(await (await hub.as('admin@andes-c2.example')).gql(DISABLE, { input: { userId: uid('admin@andes-c2.example') } }));
      expect(self.extensions).toMatchObject({ code: 'CONFLICT', rule: 'user.disable_not_self' });
      const withdrawn = soleError(await admin.gql(DISABLE, { input: { userId: uid('user@andes-c2.example') } }));
      expect(withdrawn.extensions).toMatchObject({ code: 'CONFLICT', rule: 'user.disable_active_only' });
      expect(withdrawn.message).toContain('WITHDRAWN');
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });

    it("refuses non-admins, a distributor admin for its customers' people, admins of other organizations, and API keys; nothing written", async () => {
      const refused = await clientsOf(
        hub,
        [PERSONAS.vendorStaff, PERSONAS.privacyOfficer, PERSONAS.distributors.bosphorus.admin, PERSONAS.distributors.bosphorus.user, 'admin@bosphorus-c2.example', 'user@bosphorus-c1.example'],
        ['mobotix', 'bosphorus', 'bosphorus-c1'],
      );
      const before = await snapshot(hub.dataSource);
      for (const [who, client] of refused) {
        const r = await client.gql(DISABLE, { input: { userId: uid('user@bosphorus-c1.example') } });
        // Another customer's admin does not reach the person at all: NOT_FOUND, as for an unknown id.
        const expected = who === 'admin@bosphorus-c2.example' ? 'NOT_FOUND' : 'FORBIDDEN';
        expect(`${who}: ${codes(r)}`).toBe(`${who}: ${expected}`);
        expect(r.body.data).toEqual({ disableUser: null });
      }
      expect(await snapshot(hub.dataSource)).toEqual(before);
      expect((await (await hub.as('user@bosphorus-c1.example')).gql(VIEWER)).status).toBe(200);
    });
  });
});
