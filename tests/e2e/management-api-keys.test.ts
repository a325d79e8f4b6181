import { PERSONAS, orgId, userId } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { sha256Hex } from '../../src/common/secret-box';
import { ApiKey } from '../../src/modules/api-key/api-key.entity';
import { createApiKey as storeApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, TestHub } from '../helpers/hub';
import { ALL_SCOPES, auditEventsOf, org, soleError, uid, uuidOf } from '../helpers/management';
import { listTables, snapshot, tableRows } from '../helpers/table-snapshot';

const KEY_FIELDS = 'id name prefix scopes expiresAt revokedAt lastUsedAt createdAt organization { id }';
const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { ${KEY_FIELDS} } secret } }`;
const REVOKE = `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { ${KEY_FIELDS} } } }`;
const WHO = `{ viewer { actorType role scopes organization { id } } }`;

const SECRET_RE = /^mbxk_[A-Za-z0-9_-]{43}$/;

describe(`API keys: createApiKey, revokeApiKey (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;

  beforeAll(async () => {
    hub = await TestHub.start('management_api_keys');
    admin = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());

  it("creates a key for a distributor admin's own organization: the secret works at once, as DISTRIBUTOR_USER narrowed to its scopes", async () => {
    const distributorAdmin = await hub.as(PERSONAS.distributors.alpen.admin);
    const r = await distributorAdmin.gql(CREATE, {
      input: { organizationId: org('alpen'), name: ' Nightly export ', scopes: ['licenses:read', 'customers:read', 'licenses:read'], expiresAt: '2027-06-30T00:00:00Z' },
    });
    expect(r.body.errors).toBeUndefined();
    const { apiKey, secret } = r.body.data.createApiKey;
    expect(secret).toMatch(SECRET_RE);
    expect(apiKey).toEqual({
      id: expect.any(String),
      name: 'Nightly export',
      prefix: secret.slice(0, 12),
      scopes: ['customers:read', 'licenses:read'],
      expiresAt: '2027-06-30T00:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
      createdAt: hub.now.toISOString(),
      organization: { id: org('alpen') },
    });
    const row = await hub.dataSource.getRepository(ApiKey).findOneByOrFail({ id: uuidOf(apiKey.id) });
    expect(row).toMatchObject({ secretHash: sha256Hex(secret), prefix: secret.slice(0, 12), createdById: userId(PERSONAS.distributors.alpen.admin), organizationId: orgId('alpen') });

    const key = hub.withToken(secret);
    expect((await key.data(WHO)).viewer).toEqual({ actorType: 'API_KEY', role: 'DISTRIBUTOR_USER', scopes: ['customers:read', 'licenses:read'], organization: { id: org('alpen') } });
    expect((await key.data(`{ licenses(first: 20) { totalCount } }`)).licenses.totalCount).toBe(10);
    expect(codes(await key.gql(`{ contracts(first: 5) { totalCount } }`))).toEqual(['FORBIDDEN']);
    // A key reads itself (viewer.apiKey), and no other credential row.
    expect(await key.data(`{ viewer { apiKey { name } } }`)).toEqual({ viewer: { apiKey: { name: 'Nightly export' } } });

    const [event] = await auditEventsOf(hub, row.id);
    expect(event).toMatchObject({ action: 'api_key.created', subjectType: 'ApiKey', actorId: userId(PERSONAS.distributors.alpen.admin) });
    expect(JSON.parse(event.detail!)).toEqual({ organizationId: orgId('alpen'), scopes: ['customers:read', 'licenses:read'], expiresAt: '2027-06-30T00:00:00.000Z' });
  });

  it("revokes a key: from the next request on it gets 401 'API key revoked'; revoking twice is CONFLICT", async () => {
    const distributorAdmin = await hub.as(PERSONAS.distributors.alpen.admin);
    const created = await distributorAdmin.data(CREATE, { input: { organizationId: org('alpen'), name: 'To revoke', scopes: ['licenses:read'] } });
    const key = hub.withToken(created.createApiKey.secret);
    expect((await key.gql(WHO)).status).toBe(200);

    const r = await distributorAdmin.gql(REVOKE, { input: { apiKeyId: created.createApiKey.apiKey.id } });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.revokeApiKey.apiKey).toMatchObject({ id: created.createApiKey.apiKey.id, revokedAt: hub.now.toISOString(), expiresAt: null });
    expect(JSON.stringify(r.body)).not.toContain(created.createApiKey.secret);

    const after = await key.gql(WHO);
    expect(after.status).toBe(401);
    expect(after.body.errors![0]).toMatchObject({ message: 'API key revoked', extensions: { code: 'UNAUTHENTICATED' } });
    expect(JSON.stringify(after.body)).not.toContain(created.createApiKey.secret);

    const before = await snapshot(hub.dataSource);
    const twice = soleError(await distributorAdmin.gql(REVOKE, { input: { apiKeyId: created.createApiKey.apiKey.id } }));
    expect(twice.extensions).toMatchObject({ code: 'CONFLICT', rule: 'api_key.revoke_once' });
    expect(await snapshot(hub.dataSource)).toEqual(before);
    expect((await auditEventsOf(hub, uuidOf(created.createApiKey.apiKey.id))).map((e) => e.action)).toEqual(['api_key.created', 'api_key.revoked']);
  });

  it("shows the secret in the create payload only: not in the key's fields, its audit events, or any row of any table", async () => {
    const customerAdmin = await hub.as('admin@alpen-c1.example');
    const r = await customerAdmin.gql(CREATE, { input: { organizationId: org('alpen-c1'), name: 'Only once', scopes: ALL_SCOPES } });
    const { apiKey, secret } = r.body.data.createApiKey;
    expect(secret).toMatch(SECRET_RE);
    const reads = [
      await customerAdmin.gql(`query($id: ID!) { node(id: $id) { ... on ApiKey { ${KEY_FIELDS} } } }`, { id: apiKey.id }),
      await admin.gql(`query($id: ID!) { node(id: $id) { ... on ApiKey { ${KEY_FIELDS} } } }`, { id: apiKey.id }),
      await admin.gql(`query($s: ID!) { auditEvents(filter: { subjectId: $s }) { nodes { action fields subjectId } } }`, { s: apiKey.id }),
    ];
    for (const read of reads) {
      expect(read.body.errors).toBeUndefined();
      expect(JSON.stringify(read.body)).not.toContain(secret);
    }
    expect(reads[2].body.data.auditEvents.nodes.map((e: { action: string }) => e.action)).toEqual(['api_key.created']);
    // Nowhere in the database: the key row holds its SHA-256, no other column or table holds it.
    const rest = secret.slice(12);
    for (const table of await listTables(hub.dataSource)) {
      const rows = (await tableRows(hub.dataSource, table)).join('\n');
      expect(`${table}: ${rows.includes(secret) || rows.includes(rest)}`).toBe(`${table}: false`);
    }
    const [row] = await hub.dataSource.query('SELECT * FROM `api_key` WHERE id = ?', [uuidOf(apiKey.id)]);
    expect(Object.values(row).map(String)).not.toContain(secret);
    expect(row.secretHash).toBe(sha256Hex(secret));
    const events = await hub.dataSource.query('SELECT * FROM `audit_event` WHERE subjectId = ?', [uuidOf(apiKey.id)]);
    expect(JSON.stringify(events)).not.toContain(rest);
  });

  it('lets VENDOR_ADMIN create and revoke keys of any organization; a customer key acts as CUSTOMER_USER, and its own admin revokes it', async () => {
    const created = await admin.data(CREATE, { input: { organizationId: org('alpen-c2'), name: 'Vendor made', scopes: ['licenses:read', 'licenses:write'] } });
    expect((await hub.withToken(created.createApiKey.secret).data(WHO)).viewer).toMatchObject({ actorType: 'API_KEY', role: 'CUSTOMER_USER', organization: { id: org('alpen-c2') } });
    const revoked = await (await hub.as('admin@alpen-c2.example')).data(REVOKE, { input: { apiKeyId: created.createApiKey.apiKey.id } });
    expect(revoked.revokeApiKey.apiKey.revokedAt).toBe(hub.now.toISOString());

    const own = await admin.data(CREATE, { input: { organizationId: org('mobotix'), name: 'Vendor reporting', scopes: ['licenses:read'] } });
    expect((await hub.withToken(own.createApiKey.secret).data(WHO)).viewer.role).toBe('VENDOR_STAFF');
    expect((await admin.data(REVOKE, { input: { apiKeyId: own.createApiKey.apiKey.id } })).revokeApiKey.apiKey.revokedAt).not.toBeNull();
  });

  it('names the field of bad input (scopes, expiry, name, organization id) and writes nothing', async () => {
    const distributorAdmin = await hub.as(PERSONAS.distributors.alpen.admin);
    const base = { organizationId: org('alpen'), name: 'Valid', scopes: ['licenses:read'] };
    const cases: [Record<string, unknown>, string][] = [
      [{ scopes: [] }, 'input.scopes'],
      [{ scopes: ['licenses:read', 'admin:all'] }, 'input.scopes'],
      [{ scopes: ['LICENSES:READ'] }, 'input.scopes'],
      [{ expiresAt: new Date(hub.now.getTime() - 1000).toISOString() }, 'input.expiresAt'],
      [{ expiresAt: hub.now.toISOString() }, 'input.expiresAt'],
      [{ name: '' }, 'input.name'],
      [{ name: '   ' }, 'input.name'],
      [{ name: 'k'.repeat(121) }, 'input.name'],
      [{ name: 'tab\there' }, 'input.name'],
      [{ organizationId: uid(PERSONAS.distributors.alpen.admin) }, 'input.organizationId'],
    ];
    const before = await snapshot(hub.dataSource);
    for (const [fields, field] of cases) {
      const r = await distributorAdmin.gql(CREATE, { input: { ...base, ...fields } });
      expect(`${JSON.stringify(fields).slice(0, 50)}: ${codes(r)} ${r.body.errors?.[0].extensions?.field}`).toBe(`${JSON.stringify(fields).slice(0, 50)}: BAD_USER_INPUT ${field}`);
      expect(r.body.errors![0].message).toContain(field);
      expect(r.body.data).toEqual({ createApiKey: null });
    }
    const unknown = await distributorAdmin.gql(REVOKE, { input: { apiKeyId: toGlobalId('ApiKey', '019b76da-a800-7000-8000-000000000000') } });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    const wrongType = await distributorAdmin.gql(REVOKE, { input: { apiKeyId: org('alpen') } });
    expect(soleError(wrongType).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.apiKeyId' });
    expect(await snapshot(hub.dataSource)).toEqual(before);
  });

  it("refuses non-admins, other organizations' admins and API keys: FORBIDDEN (another organization's key: NOT_FOUND), nothing written", async () => {
    const { key: rheinKey } = await storeApiKey(hub.dataSource, { org: 'rhein', scopes: ['licenses:read'] });
    const refused: [string, Client][] = [];
    for (const email of [PERSONAS.vendorStaff, PERSONAS.privacyOfficer, PERSONAS.distributors.rhein.user, PERSONAS.distributors.alpen.admin, 'admin@rhein-c1.example', 'user@rhein-c1.example']) {
      refused.push([email, await hub.as(email)]);
    }
    for (const slug of ['mobotix', 'rhein', 'rhein-c1']) refused.push([`API key of ${slug}`, hub.withToken((await storeApiKey(hub.dataSource, { org: slug, scopes: ALL_SCOPES })).secret)]);
    const before = await snapshot(hub.dataSource);
    for (const [who, client] of refused) {
      const create = await client.gql(CREATE, { input: { organizationId: org('rhein'), name: 'Not allowed', scopes: ['licenses:read'] } });
      expect(`${who} create: ${codes(create)}`).toBe(`${who} create: FORBIDDEN`);
      expect(create.body.data).toEqual({ createApiKey: null });
      const revoke = await client.gql(REVOKE, { input: { apiKeyId: toGlobalId('ApiKey', rheinKey.id) } });
      // An admin of another organization passes the role check but does not reach the key's row: as if it did not exist.
      const expected = [PERSONAS.distributors.alpen.admin, 'admin@rhein-c1.example'].includes(who) ? 'NOT_FOUND' : 'FORBIDDEN';
      expect(`${who} revoke: ${codes(revoke)}`).toBe(`${who} revoke: ${expected}`);
      expect(revoke.body.data).toEqual({ revokeApiKey: null });
    }
    expect(await snapshot(hub.dataSource)).toEqual(before);
  });

  it('refuses every management mutation to API keys, whatever their scopes and organization: FORBIDDEN, nothing written', async () => {
    const keys: [string, Client][] = [];
    for (const slug of ['mobotix', 'alpen', 'alpen-c1']) keys.push([slug, hub.withToken((await storeApiKey(hub.dataSource, { org: slug, scopes: ALL_SCOPES })).secret)]);
    const { key: target } = await storeApiKey(hub.dataSource, { org: 'alpen', scopes: ['licenses:read'] });
    const operations: [string, string, Record<string, unknown>][] = [
      ['createOrganization', 'CreateOrganizationInput', { kind: 'CUSTOMER', name: 'Key Made GmbH', country: 'DE' }],
      ['updateOrganization', 'UpdateOrganizationInput', { organizationId: org('alpen'), phone: '+41 44 000 00' }],
      ['linkCustomer', 'LinkCustomerInput', { distributorId: org('alpen'), customerId: org('rhein-c1') }],
      ['unlinkCustomer', 'UnlinkCustomerInput', { distributorId: org('alpen'), customerId: org('alpen-c1') }],
      ['inviteUser', 'InviteUserInput', { organizationId: org('alpen'), name: 'Key Made', email: 'key.made@alpen.example', role: 'DISTRIBUTOR_USER' }],
      ['updateUser', 'UpdateUserInput', { userId: uid(PERSONAS.distributors.alpen.user), name: 'Key Made' }],
      ['disableUser', 'DisableUserInput', { userId: uid(PERSONAS.distributors.alpen.user) }],
      ['createApiKey', 'CreateApiKeyInput', { organizationId: org('alpen'), name: 'Key Made', scopes: ['licenses:read'] }],
      ['revokeApiKey', 'RevokeApiKeyInput', { apiKeyId: toGlobalId('ApiKey', target.id) }],
    ];
    const before = await snapshot(hub.dataSource);
    for (const [slug, key] of keys) {
      for (const [name, inputType, input] of operations) {
        const r = await key.gql(`mutation($input: ${inputType}!) { ${name}(input: $input) { __typename } }`, { input });
        expect(`${slug} ${name}: ${codes(r)}`).toBe(`${slug} ${name}: FORBIDDEN`);
        expect(r.body.data).toEqual({ [name]: null });
      }
    }
    expect(await snapshot(hub.dataSource)).toEqual(before);
  });
});
