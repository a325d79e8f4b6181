import { PERSONAS } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { ApiKey } from '../../src/modules/api-key/api-key.entity';
import { KeyUses } from '../../src/modules/api-key/api-key-uses';
import { createApiKey as storeApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { codes, TestHub } from '../helpers/hub';
import { ACTIVATE, allocatedFresh, computer } from '../helpers/licenses';
import { org, soleError, uid, uuidOf } from '../helpers/management';

const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id name scopes grantedScopes createdBy { id } } secret } }`;
const LIST = `query($id: ID!, $after: String) { organization(id: $id) { apiKeys(first: 2, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id name prefix scopes grantedScopes createdAt expiresAt revokedAt lastUsedAt createdBy { id } organization { id } } } } }`;
const SELF = `{ viewer { scopes grantedScopes apiKey { id name scopes grantedScopes lastUsedAt createdBy { id } } } }`;

/** The key's lastUsedAt as stored, once the write started after a request has ended (it is not awaited by the request). */
async function storedLastUse(hub: TestHub, id: string, expected: string | null, waitMs = 3000): Promise<string | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const row = await hub.dataSource.getRepository(ApiKey).findOneByOrFail({ id });
    const value = row.lastUsedAt ? row.lastUsedAt.toISOString() : null;
    if (value === expected || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe(`API keys an organization manages (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start('api_key_management');
  });
  afterAll(() => hub?.close());

  it("lists an organization's keys (never a secret) to its admin and VENDOR_ADMIN, page by page; FORBIDDEN to others and to every API key", async () => {
    const alpenAdmin = await hub.as(PERSONAS.distributors.alpen.admin);
    const made: { id: string; secret: string }[] = [];
    for (const name of ['Export', 'Billing', 'Sync']) {
      const r = await alpenAdmin.gql(CREATE, { input: { organizationId: org('alpen'), name, grantedScopes: ['LICENSES_READ'] } });
      expect(r.body.errors).toBeUndefined();
      made.push({ id: r.body.data.createApiKey.apiKey.id, secret: r.body.data.createApiKey.secret });
    }
    const old = await storeApiKey(hub.dataSource, { org: 'alpen', name: 'Before createdBy was recorded', scopes: ['contracts:read'] });

    const first = await alpenAdmin.gql(LIST, { id: org('alpen') });
    expect(first.body.errors).toBeUndefined();
    const page1 = first.body.data.organization.apiKeys;
    expect(page1.totalCount).toBe(4);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await alpenAdmin.data(LIST, { id: org('alpen'), after: page1.pageInfo.endCursor });
    const listed = [...page1.nodes, ...second.organization.apiKeys.nodes];
    expect(second.organization.apiKeys.pageInfo.hasNextPage).toBe(false);
    const byName = Object.fromEntries(listed.map((k: { name: string }) => [k.name, k]));
    expect(Object.keys(byName).sort()).toEqual(['Before createdBy was recorded', 'Billing', 'Export', 'Sync']);
    expect(byName.Export).toEqual({
      id: made[0].id,
      name: 'Export',
      prefix: made[0].secret.slice(0, 12),
      scopes: ['licenses:read'],
      grantedScopes: ['LICENSES_READ'],
      createdAt: hub.now.toISOString(),
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
      createdBy: { id: uid(PERSONAS.distributors.alpen.admin) },
      organization: { id: org('alpen') },
    });
    expect(byName['Before createdBy was recorded']).toMatchObject({ id: toGlobalId('ApiKey', old.key.id), createdBy: null, grantedScopes: ['CONTRACTS_READ'] });
    const text = JSON.stringify([first.body, second]);
    for (const { secret } of [...made, old]) expect(text).not.toContain(secret.slice(12));

    const vendor = await (await hub.as(PERSONAS.vendorAdmin)).data(LIST, { id: org('alpen') });
    expect(vendor.organization.apiKeys.totalCount).toBe(4);

    const refused = {
      alpenUser: await (await hub.as(PERSONAS.distributors.alpen.user)).gql(LIST, { id: org('alpen') }),
      vendorStaff: await (await hub.as(PERSONAS.vendorStaff)).gql(LIST, { id: org('alpen') }),
      alpenKey: await hub.withToken(made[0].secret).gql(LIST, { id: org('alpen') }),
    };
    for (const [who, r] of Object.entries(refused)) {
      expect([who, codes(r), r.body.data?.organization?.apiKeys ?? null]).toEqual([who, ['FORBIDDEN'], null]);
    }
    // Another distributor's admin does not even reach the organization.
    const rhein = await (await hub.as(PERSONAS.distributors.rhein.admin)).gql(LIST, { id: org('alpen') });
    expect([codes(rhein), rhein.body.data?.organization ?? null]).toEqual([['NOT_FOUND'], null]);
  });

  it('lets a key read itself through viewer.apiKey (never its secret), and no other key', async () => {
    const created = await (
      await hub.as(PERSONAS.customer('rhein-c1').admin)
    ).data(CREATE, {
      input: { organizationId: org('rhein-c1'), name: 'Self reader', scopes: ['LICENSES_READ', 'contracts:read'], grantedScopes: ['PERSONAL_DATA_READ'] },
    });
    const { apiKey, secret } = created.createApiKey;
    expect(apiKey).toMatchObject({ scopes: ['licenses:read', 'personal_data:read', 'contracts:read'], grantedScopes: ['LICENSES_READ', 'PERSONAL_DATA_READ', 'CONTRACTS_READ'] });
    const key = hub.withToken(secret);
    await key.data(`{ viewer { role } }`);
    await storedLastUse(hub, uuidOf(apiKey.id), hub.now.toISOString());
    const r = await key.gql(SELF);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.viewer).toEqual({
      scopes: ['licenses:read', 'personal_data:read', 'contracts:read'],
      grantedScopes: ['LICENSES_READ', 'PERSONAL_DATA_READ', 'CONTRACTS_READ'],
      apiKey: {
        id: apiKey.id,
        name: 'Self reader',
        scopes: ['licenses:read', 'personal_data:read', 'contracts:read'],
        grantedScopes: ['LICENSES_READ', 'PERSONAL_DATA_READ', 'CONTRACTS_READ'],
        lastUsedAt: hub.now.toISOString(),
        createdBy: { id: uid(PERSONAS.customer('rhein-c1').admin) },
      },
    });
    expect(JSON.stringify(r.body)).not.toContain(secret.slice(12));
    // Another key of the same organization is not reachable by id; nor is the organization's list.
    const other = await storeApiKey(hub.dataSource, { org: 'rhein-c1' });
    const byId = await key.gql(`query($id: ID!) { node(id: $id) { id ... on ApiKey { name } } }`, { id: toGlobalId('ApiKey', other.key.id) });
    expect(byId.body.data.node).toBeNull();
    const self = await key.gql(`query($id: ID!) { node(id: $id) { ... on ApiKey { name } } }`, { id: apiKey.id });
    expect(self.body.data.node).toEqual({ name: 'Self reader' });
    // A user has no key and no scopes.
    expect((await (await hub.as(PERSONAS.customer('rhein-c1').admin)).data(SELF)).viewer).toEqual({ scopes: [], grantedScopes: [], apiKey: null });
  });

  it('refuses unknown scopes (BAD_USER_INPUT naming input.scopes) and a key without any scope; accepts the string and enum spellings', async () => {
    const admin = await hub.as(PERSONAS.distributors.alpen.admin);
    const unknown = await admin.gql(CREATE, { input: { organizationId: org('alpen'), name: 'x', scopes: ['licenses:admin'], grantedScopes: ['LICENSES_READ'] } });
    expect(soleError(unknown).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scopes' });
    const none = await admin.gql(CREATE, { input: { organizationId: org('alpen'), name: 'x' } });
    expect(soleError(none).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.grantedScopes' });
    const empty = await admin.gql(CREATE, { input: { organizationId: org('alpen'), name: 'x', scopes: [] } });
    expect(soleError(empty).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scopes' });
    const enumValue = await admin.gql(CREATE, { input: { organizationId: org('alpen'), name: 'x', grantedScopes: ['licenses:read'] } });
    expect(codes(enumValue)).toEqual(['BAD_USER_INPUT']); // GraphQL's own validation: not an ApiKeyScope value
  });

  it('records lastUsedAt after the request, at most once a minute per key (also across processes: the UPDATE is guarded)', async () => {
    const { key, secret } = await storeApiKey(hub.dataSource, { org: 'rhein-c2', scopes: ['licenses:read'] });
    const client = hub.withToken(secret);
    const t0 = new Date(hub.now);
    try {
      expect((await client.data(`{ viewer { role } }`)).viewer.role).toBe('CUSTOMER_USER');
      expect(await storedLastUse(hub, key.id, t0.toISOString())).toBe(t0.toISOString());

      hub.now = new Date(t0.getTime() + 59_000);
      await client.data(`{ viewer { role } }`);
      // Another process, which has not written this key yet: its UPDATE finds the row used within the minute.
      const elsewhere = new KeyUses(hub.dataSource, (f) => {
        throw new Error(`unexpected failure ${f.err}`);
      });
      elsewhere.record(key.id, null, hub.now);
      await elsewhere.settled();
      expect(await storedLastUse(hub, key.id, 'never', 300)).toBe(t0.toISOString());

      hub.now = new Date(t0.getTime() + 60_000);
      const self = await client.data(SELF);
      expect(self.viewer.apiKey).toMatchObject({ id: toGlobalId('ApiKey', key.id) });
      expect(await storedLastUse(hub, key.id, hub.now.toISOString())).toBe(hub.now.toISOString());
    } finally {
      hub.now = t0;
    }
  });

  it('lets a customer key with licenses:write (which includes licenses:read) and personal_data:read activate and deactivate; without personal_data:read it is refused before any write', async () => {
    const [licenseId] = await allocatedFresh(hub, 'rhein-c1', { distributor: 'rhein', seats: 2 });
    const writer = await storeApiKey(hub.dataSource, { org: 'rhein-c1', scopes: ['licenses:write', 'personal_data:read'] });
    const client = hub.withToken(writer.secret);
    const r = await client.gql(ACTIVATE, { input: { licenseId, computer: computer('KEY-HOST-1') } });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.activateLicense.activation).toMatchObject({ computer: { hostId: 'KEY-HOST-1', organization: { id: org('rhein-c1') } }, license: { id: licenseId, seatsUsed: 1 } });
    const off = await client.gql(`mutation($input: DeactivateActivationInput!) { deactivateActivation(input: $input) { activation { license { seatsUsed } } } }`, {
      input: { activationId: r.body.data.activateLicense.activation.id },
    });
    expect(off.body.errors).toBeUndefined();
    expect(off.body.data.deactivateActivation.activation.license.seatsUsed).toBe(0);

    const writeOnly = hub.withToken((await storeApiKey(hub.dataSource, { org: 'rhein-c1', scopes: ['licenses:write'] })).secret);
    expect((await writeOnly.data(`query($id: ID!) { license(id: $id) { id } }`, { id: licenseId })).license).toEqual({ id: licenseId });
    const refused = await writeOnly.gql(ACTIVATE, { input: { licenseId, computer: computer('KEY-HOST-2') } });
    expect(soleError(refused).extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input.computer', rule: 'activation.reads_computers' });
    const [{ n }] = await hub.dataSource.query('SELECT COUNT(*) AS n FROM `computer` WHERE hostId = ?', ['KEY-HOST-2']);
    expect(Number(n)).toBe(0);
  });
});
