import { orgId, PERSONAS, PRODUCT_SKUS, productId } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { SecretBox } from '../../src/common/secret-box';
import { CustomerAccount } from '../../src/modules/organization/customer-account.entity';
import { Organization, organizationNameKey } from '../../src/modules/organization/organization.entity';
import { auditValueDigest } from '../../src/common/audit-digest';
import { errorPaths } from '../helpers/authz';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, TestHub } from '../helpers/hub';
import { clientsOf, org, soleError, uuidOf, writeEventsOf, writtenState } from '../helpers/management';
import { snapshot } from '../helpers/table-snapshot';

const ORG_FIELDS = 'id kind name country processingCountries address { street postalCode city country } phone email';
const CREATE = `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { ${ORG_FIELDS} } } }`;
const UPDATE = `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { ${ORG_FIELDS} } } }`;
const LINK = `mutation($input: LinkCustomerInput!) { linkCustomer(input: $input) { distributor { id name } customer { id name } } }`;
const UNLINK = `mutation($input: UnlinkCustomerInput!) { unlinkCustomer(input: $input) { distributor { id name } customer { id name } } }`;
const INVITE = `mutation($input: InviteUserInput!) { inviteUser(input: $input) { user { id email } } }`;
const CUSTOMERS = `query($search: String) { customers(search: $search, first: 50) { totalCount nodes { id name email users(first: 5) { nodes { email } } } } }`;

describe(`organizations and customer accounts: createOrganization, updateOrganization, linkCustomer, unlinkCustomer (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;
  let secrets: SecretBox;

  beforeAll(async () => {
    hub = await TestHub.start('management_organizations');
    admin = await hub.as(PERSONAS.vendorAdmin);
    secrets = new SecretBox(hub.config.secretsKey);
  });
  afterAll(() => hub?.close());

  describe('createOrganization', () => {
    it('lets VENDOR_ADMIN create a distributor, normalized, with nameKey written and the contact fields audited by name only', async () => {
      const r = await admin.data(CREATE, {
        input: {
          kind: 'DISTRIBUTOR',
          name: '  Überwachung Süd GmbH ',
          country: 'de',
          processingCountries: ['de', 'AT', 'DE'],
          address: { street: ' Leopoldstraße 12 ', postalCode: '80802', city: 'München', country: 'de' },
          phone: '+49 89 5555 120',
          email: ' Kontakt@Ueberwachung-Sued.example ',
        },
      });
      const created = r.createOrganization.organization;
      expect(created).toEqual({
        id: expect.any(String),
        kind: 'DISTRIBUTOR',
        name: 'Überwachung Süd GmbH',
        country: 'DE',
        processingCountries: ['DE', 'AT'],
        address: { street: 'Leopoldstraße 12', postalCode: '80802', city: 'München', country: 'DE' },
        phone: '+49 89 5555 120',
        email: 'kontakt@ueberwachung-sued.example',
      });
      const row = await hub.dataSource.getRepository(Organization).findOneByOrFail({ id: uuidOf(created.id) });
      expect(row.nameKey).toBe(organizationNameKey('Überwachung Süd GmbH'));
      // The folded name is what search reads: accents and case do not matter.
      const found = await admin.data(`{ organizations(search: "uberwachung sud", first: 5) { nodes { id } } }`);
      expect(found.organizations.nodes).toEqual([{ id: created.id }]);

      const [event] = await writeEventsOf(hub, row.id);
      expect(event).toMatchObject({
        action: 'organization.created',
        subjectType: 'Organization',
        actorId: expect.any(String),
        fields: ['Organization.address', 'Organization.phone', 'Organization.email'],
      });
      for (const value of ['Leopoldstraße', '5555', 'kontakt@', 'München']) expect(event.detail ?? '').not.toContain(value);
      expect(JSON.parse(event.detail!)).toMatchObject({ kind: 'DISTRIBUTOR', processingCountries: ['DE', 'AT'], servedBy: null });
    });

    it('defaults processingCountries to the domicile, and leaves out contact data not given', async () => {
      const r = await admin.data(CREATE, { input: { kind: 'CUSTOMER', name: 'Donau Logistik GmbH', country: 'at' } });
      expect(r.createOrganization.organization).toMatchObject({ kind: 'CUSTOMER', country: 'AT', processingCountries: ['AT'], address: null, phone: null, email: null });
      const [event] = await writeEventsOf(hub, uuidOf(r.createOrganization.organization.id));
      expect(event.fields).toEqual([]);
      // Created by the vendor, it is nobody's customer yet.
      expect(await hub.dataSource.getRepository(CustomerAccount).countBy({ customerId: uuidOf(r.createOrganization.organization.id) })).toBe(0);
    });

    it("lets a distributor admin create a customer it then serves: it is in the distributor's customers, in one transaction with its audit", async () => {
      const rhein = await hub.as(PERSONAS.distributors.rhein.admin);
      const r = await rhein.gql(CREATE, { input: { kind: 'CUSTOMER', name: 'Mosel Kameratechnik GmbH', country: 'DE', phone: '+49 651 5555 10', email: 'info@mosel-kamera.example' } });
      expect(r.body.errors).toBeUndefined();
      const created = r.body.data.createOrganization.organization;
      // rhein is in the EEA: its gate is open, and it reads the contact data of its new customer.
      expect(created).toMatchObject({ name: 'Mosel Kameratechnik GmbH', email: 'info@mosel-kamera.example' });
      const list = await rhein.data(CUSTOMERS, { search: 'Mosel' });
      expect(list.customers.nodes.map((n: { id: string }) => n.id)).toEqual([created.id]);
      const account = await hub.dataSource.getRepository(CustomerAccount).findOneByOrFail({ customerId: uuidOf(created.id) });
      expect(account.distributorId).toBe(orgId('rhein'));
      expect((await writeEventsOf(hub, uuidOf(created.id))).map((e) => [e.action, e.actorId])).toEqual([
        ['organization.created', expect.any(String)],
        ['customer.linked', expect.any(String)],
      ]);
    });

    it("puts a gated distributor's new customer behind its closed gate: mumbai creates it, and reads neither its e-mail nor its users' (TRANSFER_BASIS_REQUIRED)", async () => {
      const mumbai = await hub.as(PERSONAS.distributors.mumbai.admin);
      const r = await mumbai.gql(CREATE, {
        input: { kind: 'CUSTOMER', name: 'Pune Cold Storage Pvt Ltd', country: 'IN', email: 'office@pune-cold.example', address: { city: 'Pune', country: 'IN' } },
      });
      const created = r.body.data.createOrganization.organization;
      expect(created).toMatchObject({ kind: 'CUSTOMER', name: 'Pune Cold Storage Pvt Ltd', email: null, address: null });
      expect(errorPaths(r, 'TRANSFER_BASIS_REQUIRED')).toEqual(['createOrganization.organization.address', 'createOrganization.organization.email', 'createOrganization.organization.phone']);
      expect(JSON.stringify(r.body)).not.toContain('office@pune-cold.example');

      // The vendor invites a person there; mumbai lists the customer, but its people's e-mails stay closed.
      await admin.data(INVITE, { input: { organizationId: created.id, name: 'Rohan Kulkarni', email: 'rohan@pune-cold.example', role: 'CUSTOMER_ADMIN' } });
      const list = await mumbai.gql(CUSTOMERS, { search: 'Pune Cold' });
      expect(list.body.data.customers.nodes).toEqual([{ id: created.id, name: 'Pune Cold Storage Pvt Ltd', email: null, users: { nodes: [{ email: null }] } }]);
      expect(errorPaths(list, 'TRANSFER_BASIS_REQUIRED')).toEqual(['customers.nodes.0.email', 'customers.nodes.0.users.nodes.0.email']);
      expect(JSON.stringify(list.body)).not.toContain('rohan@pune-cold.example');
      // The vendor reads both.
      const vendor = await admin.data(`query($id: ID!) { organization(id: $id) { email users { nodes { email } } } }`, { id: created.id });
      expect(vendor.organization).toEqual({ email: 'office@pune-cold.example', users: { nodes: [{ email: 'rohan@pune-cold.example' }] } });
    });

    it('names the field of each bad input and writes nothing', async () => {
      const base = { kind: 'CUSTOMER', name: 'Valid Name GmbH', country: 'DE' };
      const cases: [Record<string, unknown>, string][] = [
        [{ name: '' }, 'input.name'],
        [{ name: '   ' }, 'input.name'],
        [{ name: 'x'.repeat(201) }, 'input.name'],
        [{ name: 'Bad\u0007Name' }, 'input.name'],
        [{ kind: 'VENDOR' }, 'input.kind'],
        [{ country: 'DEU' }, 'input.country'],
        [{ country: 'D1' }, 'input.country'],
        [{ country: '' }, 'input.country'],
        [{ processingCountries: [] }, 'input.processingCountries'],
        [{ processingCountries: ['DE', 'Germany'] }, 'input.processingCountries[1]'],
        [{ address: { street: 's'.repeat(201) } }, 'input.address.street'],
        [{ address: { postalCode: '1'.repeat(33) } }, 'input.address.postalCode'],
        [{ address: { city: 'c'.repeat(121) } }, 'input.address.city'],
        [{ address: { country: 'Deutschland' } }, 'input.address.country'],
        [{ phone: 'call us' }, 'input.phone'],
        [{ phone: '1'.repeat(65) }, 'input.phone'],
        [{ email: 'not-an-address' }, 'input.email'],
        [{ email: 'nodot@localhost' }, 'input.email'],
        [{ email: `${'a'.repeat(64)}@${'b'.repeat(185)}.example` }, 'input.email'],
      ];
      const before = await snapshot(hub.dataSource);
      for (const [fields, field] of cases) {
        const r = await admin.gql(CREATE, { input: { ...base, ...fields } });
        expect(`${JSON.stringify(fields).slice(0, 50)}: ${codes(r)} ${r.body.errors?.[0].extensions?.field}`).toBe(`${JSON.stringify(fields).slice(0, 50)}: BAD_USER_INPUT ${field}`);
        expect(r.body.errors![0].message).toContain(field);
        expect(r.body.data).toEqual({ createOrganization: null });
      }
      // Every problem is named at once.
      const many = await admin.gql(CREATE, { input: { ...base, name: '', country: 'x', phone: 'nope' } });
      expect(
        soleError(many)
          .extensions!.problems.map((p: { field: string }) => p.field)
          .sort(),
      ).toEqual(['input.country', 'input.name', 'input.phone']);
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });

    it('refuses country codes that are not assigned ISO 3166-1 alpha-2 (XX, QQ, EU, UK) wherever a country is taken, naming the field, and writes nothing', async () => {
      const base = { kind: 'DISTRIBUTOR', name: 'Made-up Country Ltd', country: 'DE' };
      const creates: [Record<string, unknown>, string][] = [
        [{ country: 'XX' }, 'input.country'],
        [{ country: 'qq' }, 'input.country'],
        [{ country: 'EU' }, 'input.country'],
        [{ processingCountries: ['DE', 'XX'] }, 'input.processingCountries[1]'],
        [{ processingCountries: ['UK'] }, 'input.processingCountries[0]'],
        [{ address: { city: 'Nowhere', country: 'QQ' } }, 'input.address.country'],
      ];
      const updates: [Record<string, unknown>, string][] = [
        [{ processingCountries: ['CH', 'XX'] }, 'input.processingCountries[1]'],
        [{ address: { city: 'Zürich', country: 'XX' } }, 'input.address.country'],
      ];
      const before = await snapshot(hub.dataSource);
      for (const [fields, field] of creates) {
        const r = await admin.gql(CREATE, { input: { ...base, ...fields } });
        expect(`${JSON.stringify(fields)}: ${codes(r)} ${r.body.errors?.[0].extensions?.field}`).toBe(`${JSON.stringify(fields)}: BAD_USER_INPUT ${field}`);
        expect(r.body.errors![0].message).toContain('ISO 3166-1 alpha-2');
        expect(r.body.data).toEqual({ createOrganization: null });
      }
      for (const [fields, field] of updates) {
        const r = await admin.gql(UPDATE, { input: { organizationId: org('alpen'), ...fields } });
        expect(`${JSON.stringify(fields)}: ${codes(r)} ${r.body.errors?.[0].extensions?.field}`).toBe(`${JSON.stringify(fields)}: BAD_USER_INPUT ${field}`);
      }
      expect(await snapshot(hub.dataSource)).toEqual(before);
      // An assigned code is taken, in any case.
      const ok = await admin.data(CREATE, { input: { ...base, name: 'Real Country Ltd', country: 'gb', processingCountries: ['gb', 'JP'] } });
      expect(ok.createOrganization.organization).toMatchObject({ country: 'GB', processingCountries: ['GB', 'JP'] });
    });

    it('refuses everyone else, a distributor admin anything but a customer, and API keys: FORBIDDEN, nothing written', async () => {
      const refused = await clientsOf(
        hub,
        [PERSONAS.vendorStaff, PERSONAS.privacyOfficer, PERSONAS.distributors.rhein.user, 'admin@rhein-c1.example', 'user@rhein-c1.example'],
        ['mobotix', 'rhein', 'rhein-c1'],
      );
      const distributorAdmin = await hub.as(PERSONAS.distributors.rhein.admin);
      const before = await snapshot(hub.dataSource);
      for (const [who, client] of refused) {
        const r = await client.gql(CREATE, { input: { kind: 'CUSTOMER', name: 'Should Not Exist GmbH', country: 'DE' } });
        expect(`${who}: ${codes(r)}`).toBe(`${who}: FORBIDDEN`);
        expect(r.body.data).toEqual({ createOrganization: null });
      }
      for (const kind of ['DISTRIBUTOR', 'VENDOR']) {
        const r = await distributorAdmin.gql(CREATE, { input: { kind, name: 'Should Not Exist GmbH', country: 'DE' } });
        expect(`${kind}: ${codes(r)}`).toBe(`${kind}: FORBIDDEN`);
      }
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });
  });

  describe('updateOrganization', () => {
    it("lets a customer admin update its own organization's name and contact data: changed fields and keyed digests in the audit, never values", async () => {
      const customerAdmin = await hub.as('admin@alpen-c1.example');
      const old = await hub.dataSource.getRepository(Organization).findOneByOrFail({ id: orgId('alpen-c1') });
      const r = await customerAdmin.gql(UPDATE, {
        input: {
          organizationId: org('alpen-c1'),
          name: 'Alpen Kunde Eins AG (Engadin)',
          phone: '+41 81 833 99',
          email: 'Empfang@Alpen-C1.example',
          address: { street: 'Via Serlas 1', postalCode: '7500', city: 'St. Moritz', country: 'ch' },
        },
      });
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.updateOrganization.organization).toMatchObject({
        name: 'Alpen Kunde Eins AG (Engadin)',
        phone: '+41 81 833 99',
        email: 'empfang@alpen-c1.example',
        address: { street: 'Via Serlas 1', postalCode: '7500', city: 'St. Moritz', country: 'CH' },
        processingCountries: ['CH'],
      });
      const row = await hub.dataSource.getRepository(Organization).findOneByOrFail({ id: orgId('alpen-c1') });
      expect(row.nameKey).toBe(organizationNameKey('Alpen Kunde Eins AG (Engadin)'));

      const [event] = (await writeEventsOf(hub, orgId('alpen-c1'))).filter((e) => e.action === 'organization.updated');
      expect(event.fields).toEqual(['Organization.phone', 'Organization.email', 'Organization.address']);
      for (const value of [old.phone!, old.email!, '+41 81 833 99', 'Via Maistra', 'Via Serlas', 'empfang@alpen-c1.example', 'Engadin']) expect(event.detail).not.toContain(value);
      const detail = JSON.parse(event.detail!);
      expect(detail.changed).toEqual(['Organization.name', 'Organization.phone', 'Organization.email', 'Organization.address']);
      expect(detail.changes['Organization.phone']).toEqual({
        before: auditValueDigest(secrets, orgId('alpen-c1'), 'phone', old.phone, 'Organization'),
        after: auditValueDigest(secrets, orgId('alpen-c1'), 'phone', '+41 81 833 99', 'Organization'),
      });
      expect(detail.changes['Organization.name'].before).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);

      // Removing: email null, phone empty, address null. The same request again writes nothing.
      const removal = { organizationId: org('alpen-c1'), email: null, phone: '', address: null };
      const removed = await customerAdmin.data(UPDATE, { input: removal });
      expect(removed.updateOrganization.organization).toMatchObject({ email: null, phone: null, address: null });
      const before = await writtenState(hub);
      await customerAdmin.data(UPDATE, { input: removal });
      expect(await writtenState(hub)).toEqual(before);
    });

    it('lets a distributor admin update its own organization, never its customers, nor its processingCountries (FORBIDDEN naming the field)', async () => {
      const mumbai = await hub.as(PERSONAS.distributors.mumbai.admin);
      const own = await mumbai.gql(UPDATE, { input: { organizationId: org('mumbai'), phone: '+91 22 5555 11' } });
      expect(own.body.errors).toBeUndefined();
      expect(own.body.data.updateOrganization.organization.phone).toBe('+91 22 5555 11');

      const before = await snapshot(hub.dataSource);
      const customer = await mumbai.gql(UPDATE, { input: { organizationId: org('mumbai-c1'), phone: '+91 20 5555 99' } });
      expect(codes(customer)).toEqual(['FORBIDDEN']);
      expect(customer.body.data).toEqual({ updateOrganization: null });
      // Not even "unchanged" values: the gate reads them, so only the vendor records them.
      for (const processingCountries of [['IN'], ['DE'], []]) {
        const gate = await mumbai.gql(UPDATE, { input: { organizationId: org('mumbai'), processingCountries } });
        expect(soleError(gate).extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input.processingCountries' });
        expect(gate.body.errors![0].message).toContain('input.processingCountries');
      }
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });

    it("lets VENDOR_ADMIN change a distributor's processingCountries, which the transfer gate reads on the next request; recorded in clear", async () => {
      const nordlicht = await hub.as(PERSONAS.distributors.nordlicht.admin);
      const GATE = `{ viewer { organization { transferBasis { allowed basis } } } }`;
      expect((await nordlicht.data(GATE)).viewer.organization.transferBasis).toEqual({ allowed: false, basis: 'NONE' });
      const r = await admin.data(UPDATE, { input: { organizationId: org('nordlicht'), processingCountries: ['de'] } });
      expect(r.updateOrganization.organization.processingCountries).toEqual(['DE']);
      expect((await nordlicht.data(GATE)).viewer.organization.transferBasis).toEqual({ allowed: true, basis: 'EEA' });
      const [event] = (await writeEventsOf(hub, orgId('nordlicht'))).filter((e) => e.action === 'organization.updated');
      expect(event.fields).toEqual([]);
      expect(JSON.parse(event.detail!)).toMatchObject({ changed: ['Organization.processingCountries'], processingCountries: { before: ['DE', 'US'], after: ['DE'] } });
    });

    it('names the field of each bad input, NOT_FOUND for an unknown organization, and writes nothing', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ name: null }, 'input.name'],
        [{ name: '' }, 'input.name'],
        [{ email: 'x@y' }, 'input.email'],
        [{ phone: '+49 (0) abc' }, 'input.phone'],
        [{ address: { country: 'CHE' } }, 'input.address.country'],
        [{ processingCountries: [] }, 'input.processingCountries'],
        [{ processingCountries: null }, 'input.processingCountries'],
        [{ processingCountries: ['C'] }, 'input.processingCountries[0]'],
        [{}, 'input'],
      ];
      const before = await snapshot(hub.dataSource);
      for (const [fields, field] of cases) {
        const r = await admin.gql(UPDATE, { input: { organizationId: org('alpen-c2'), ...fields } });
        expect(`${JSON.stringify(fields)}: ${codes(r)} ${r.body.errors?.[0].extensions?.field}`).toBe(`${JSON.stringify(fields)}: BAD_USER_INPUT ${field}`);
      }
      const wrongType = await admin.gql(UPDATE, { input: { organizationId: toGlobalId('PortalUser', orgId('alpen-c2')), phone: '+41 1 555' } });
      expect(soleError(wrongType).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.organizationId' });
      const unknown = await admin.gql(UPDATE, { input: { organizationId: toGlobalId('Organization', '019b76da-a800-7000-8000-000000000000'), phone: '+41 1 555' } });
      expect(codes(unknown)).toEqual(['NOT_FOUND']);
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });

    it("refuses everyone but VENDOR_ADMIN and the organization's own admin, and API keys: FORBIDDEN, nothing written", async () => {
      const refused = await clientsOf(
        hub,
        [PERSONAS.vendorStaff, PERSONAS.privacyOfficer, PERSONAS.distributors.alpen.admin, PERSONAS.distributors.alpen.user, 'admin@alpen-c1.example', 'user@alpen-c2.example'],
        ['mobotix', 'alpen', 'alpen-c2'],
      );
      const before = await snapshot(hub.dataSource);
      for (const [who, client] of refused) {
        const r = await client.gql(UPDATE, { input: { organizationId: org('alpen-c2'), phone: '+41 32 000 00' } });
        expect(`${who}: ${codes(r)}`).toBe(`${who}: FORBIDDEN`);
        expect(r.body.data).toEqual({ updateOrganization: null });
      }
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });
  });

  describe('linkCustomer and unlinkCustomer', () => {
    const CUSTOMERS_OF = `query($id: ID!) { organization(id: $id) { customers(first: 50) { nodes { id } } } }`;
    const servedBy = async (client: Client, slug: string) => (await client.data(CUSTOMERS_OF, { id: org(slug) })).organization.customers.nodes.map((n: { id: string }) => n.id);

    it('links a customer to a distributor, which then reaches and lists it; unlinking ends that; twice is CONFLICT either way', async () => {
      const lioncity = await hub.as(PERSONAS.distributors.lioncity.admin);
      const pair = { distributorId: org('lioncity'), customerId: org('alpen-c2') };
      expect(codes(await lioncity.gql(`query($id: ID!) { organization(id: $id) { name } }`, { id: org('alpen-c2') }))).toEqual(['NOT_FOUND']);

      const linked = await admin.data(LINK, { input: pair });
      expect(linked.linkCustomer).toEqual({ distributor: { id: org('lioncity'), name: 'Lion City Integrators Pte Ltd' }, customer: { id: org('alpen-c2'), name: 'Alpen Kunde Zwei SA' } });
      expect(await servedBy(lioncity, 'lioncity')).toContain(org('alpen-c2'));
      expect((await lioncity.data(CUSTOMERS)).customers.nodes.map((n: { id: string }) => n.id)).toContain(org('alpen-c2'));

      const twice = await admin.gql(LINK, { input: pair });
      expect(soleError(twice).extensions).toMatchObject({ code: 'CONFLICT', rule: 'customer.link_once' });

      const unlinked = await admin.data(UNLINK, { input: pair });
      expect(unlinked.unlinkCustomer.customer).toEqual({ id: org('alpen-c2'), name: 'Alpen Kunde Zwei SA' });
      expect(await servedBy(lioncity, 'lioncity')).not.toContain(org('alpen-c2'));
      expect(codes(await lioncity.gql(`query($id: ID!) { organization(id: $id) { name } }`, { id: org('alpen-c2') }))).toEqual(['NOT_FOUND']);

      const again = await admin.gql(UNLINK, { input: pair });
      expect(soleError(again).extensions).toMatchObject({ code: 'CONFLICT', rule: 'customer.unlink_linked_only' });
      expect((await writeEventsOf(hub, orgId('alpen-c2'))).map((e) => [e.action, JSON.parse(e.detail!).distributorId])).toEqual([
        ['customer.linked', orgId('lioncity')],
        ['customer.unlinked', orgId('lioncity')],
      ]);
    });

    it('refuses to unlink while the distributor holds licenses in force allocated to the customer (CONFLICT naming the rule); ended licenses do not hold the link', async () => {
      const before = await snapshot(hub.dataSource);
      const seeded = await admin.gql(UNLINK, { input: { distributorId: org('rhein'), customerId: org('rhein-c1') } });
      expect(soleError(seeded).extensions).toMatchObject({ code: 'CONFLICT', rule: 'customer.unlink_with_licenses_in_force' });
      expect(await snapshot(hub.dataSource)).toEqual(before);

      const pair = { distributorId: org('lioncity'), customerId: org('alpen-c1') };
      await admin.data(LINK, { input: pair });
      const registered = await admin.data(`mutation($input: RegisterLicensesInput!) { registerLicenses(input: $input) { licenses { id } } }`, {
        input: { productId: toGlobalId('Product', productId(PRODUCT_SKUS.vms)), distributorId: org('lioncity'), count: 1, seats: 2, validFrom: '2026-01-01T00:00:00Z' },
      });
      const licenseId = registered.registerLicenses.licenses[0].id;
      await admin.data(`mutation($input: AllocateLicenseInput!) { allocateLicense(input: $input) { licenses { id status } } }`, { input: { licenseIds: [licenseId], customerId: org('alpen-c1') } });
      const held = await admin.gql(UNLINK, { input: pair });
      expect(soleError(held).extensions).toMatchObject({ code: 'CONFLICT', rule: 'customer.unlink_with_licenses_in_force', licenses: 1 });
      expect(held.body.errors![0].message).toMatch(/still holds 1 license/);

      await admin.data(`mutation($input: RevokeLicenseInput!) { revokeLicense(input: $input) { license { status } } }`, { input: { licenseId, reason: 'test' } });
      const ended = await admin.gql(UNLINK, { input: pair });
      expect(ended.body.errors).toBeUndefined();
      expect(ended.body.data.unlinkCustomer.distributor.id).toBe(org('lioncity'));
    });

    it('checks the kinds of both ends, naming each field, and writes nothing', async () => {
      const before = await snapshot(hub.dataSource);
      const cases: [Record<string, string>, string[]][] = [
        [{ distributorId: org('alpen-c1'), customerId: org('alpen-c2') }, ['input.distributorId']],
        [{ distributorId: org('alpen'), customerId: org('rhein') }, ['input.customerId']],
        [{ distributorId: org('alpen-c1'), customerId: org('mobotix') }, ['input.distributorId', 'input.customerId']],
        [{ distributorId: toGlobalId('License', orgId('alpen')), customerId: org('alpen-c2') }, ['input.distributorId']],
      ];
      for (const [input, fields] of cases) {
        for (const mutation of [LINK, UNLINK]) {
          const error = soleError(await admin.gql(mutation, { input }));
          expect(error.extensions!.code).toBe('BAD_USER_INPUT');
          expect(error.extensions!.problems.map((p: { field: string }) => p.field)).toEqual(fields);
        }
      }
      const unknown = await admin.gql(LINK, { input: { distributorId: org('alpen'), customerId: toGlobalId('Organization', '019b76da-a800-7000-8000-000000000000') } });
      expect(codes(unknown)).toEqual(['NOT_FOUND']);
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });

    it('refuses everyone but VENDOR_ADMIN, distributor admins included, and API keys: FORBIDDEN, nothing written', async () => {
      const refused = await clientsOf(
        hub,
        [PERSONAS.vendorStaff, PERSONAS.privacyOfficer, PERSONAS.distributors.alpen.admin, PERSONAS.distributors.alpen.user, 'admin@alpen-c1.example', 'user@alpen-c1.example'],
        ['mobotix', 'alpen'],
      );
      const before = await snapshot(hub.dataSource);
      for (const [who, client] of refused) {
        for (const [name, mutation, input] of [
          ['linkCustomer', LINK, { distributorId: org('alpen'), customerId: org('rhein-c2') }],
          ['unlinkCustomer', UNLINK, { distributorId: org('alpen'), customerId: org('alpen-c1') }],
        ] as const) {
          const r = await client.gql(mutation, { input });
          expect(`${who} ${name}: ${codes(r)}`).toBe(`${who} ${name}: FORBIDDEN`);
          expect(r.body.data).toEqual({ [name]: null });
        }
      }
      expect(await snapshot(hub.dataSource)).toEqual(before);
    });
  });
});
