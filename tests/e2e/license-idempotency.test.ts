import { PERSONAS } from '../../seeds/personas';
import { ON_MYSQL } from '../helpers/database';
import { Client, GraphQLResponse, TestHub } from '../helpers/hub';
import { ALLOCATE, auditOf, ids, LICENSE, REGISTER, registerFresh, rowCount, VMS, writeCounts } from '../helpers/licenses';

/**
 * Retries (issue #4 item 5): an Idempotency-Key header on a mutation makes a retry within 24
 * hours return the first response instead of acting twice; the same key with another request
 * body is refused with BAD_USER_INPUT.
 */
describe(`Idempotency-Key on license mutations (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;
  let rhein: Client;
  const RHEIN_C1 = ids.org('rhein-c1');
  const replayed = (r: GraphQLResponse) => r.headers.get('idempotency-replayed');
  const withKey = (key: string) => ({ 'Idempotency-Key': key });

  beforeAll(async () => {
    hub = await TestHub.start('license_idempotency');
    admin = await hub.as(PERSONAS.vendorAdmin);
    rhein = await hub.as(PERSONAS.distributors.rhein.user);
  });
  afterAll(() => hub?.close());

  const statusOf = async (id: string) => (await admin.data(LICENSE, { id })).license.status;

  it('answers a retried allocateLicense with the identical first response, and allocates once', async () => {
    const licenseIds = await registerFresh(hub, { distributor: 'rhein', count: 2 });
    const variables = { input: { licenseIds, customerId: RHEIN_C1 } };
    const first = await rhein.gql(ALLOCATE, variables, withKey('allocate-retry-1'));
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.allocateLicense.licenses.map((l: { status: string }) => l.status)).toEqual(['ALLOCATED', 'ALLOCATED']);
    expect(replayed(first)).toBeNull();
    const before = await writeCounts(hub.dataSource);

    const retry = await rhein.gql(ALLOCATE, variables, withKey('allocate-retry-1'));
    expect(replayed(retry)).toBe('true');
    expect({ status: retry.status, body: retry.body }).toEqual({ status: first.status, body: first.body });
    // Without the key the same request acts, and is refused: the licenses are allocated already.
    const withoutKey = await rhein.gql(ALLOCATE, variables);
    expect(withoutKey.body.errors?.[0].extensions?.code).toBe('CONFLICT');

    // The same user with a fresh token is the same actor: still the first response.
    const sameUser = await (await hub.as(PERSONAS.distributors.rhein.user)).gql(ALLOCATE, variables, withKey('allocate-retry-1'));
    expect(replayed(sameUser)).toBe('true');
    expect(sameUser.body).toEqual(first.body);

    expect(await writeCounts(hub.dataSource)).toEqual(before);
    for (const id of licenseIds) expect(await auditOf(admin, id, 'license.allocated')).toHaveLength(1);
  });

  it('refuses the same key with another request body with HTTP 400 BAD_USER_INPUT naming Idempotency-Key, and writes nothing', async () => {
    const [a, b] = await registerFresh(hub, { distributor: 'rhein', count: 2 });
    await rhein.gql(ALLOCATE, { input: { licenseIds: [a], customerId: RHEIN_C1 } }, withKey('allocate-mismatch'));
    const before = await writeCounts(hub.dataSource);
    const other = await rhein.gql(ALLOCATE, { input: { licenseIds: [b], customerId: RHEIN_C1 } }, withKey('allocate-mismatch'));
    expect(other.status).toBe(400);
    expect(replayed(other)).toBeNull();
    expect(other.body.data).toBeUndefined();
    expect(other.body.errors).toHaveLength(1);
    expect(other.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Idempotency-Key' });
    expect(other.body.errors![0].message).toMatch(/^Idempotency-Key: /);
    expect(await statusOf(b)).toBe('REGISTERED');
    expect(await writeCounts(hub.dataSource)).toEqual(before);
  });

  it('keeps keys per actor: another user may use the same key independently', async () => {
    const [mine, theirs] = await registerFresh(hub, { distributor: 'rhein', count: 2 });
    const first = await rhein.gql(ALLOCATE, { input: { licenseIds: [mine], customerId: RHEIN_C1 } }, withKey('shared-key'));
    expect(first.body.errors).toBeUndefined();
    const other = await (await hub.as(PERSONAS.distributors.rhein.admin)).gql(ALLOCATE, { input: { licenseIds: [theirs], customerId: RHEIN_C1 } }, withKey('shared-key'));
    expect(other.status).toBe(200);
    expect(replayed(other)).toBeNull();
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data.allocateLicense.licenses[0]).toMatchObject({ id: theirs, status: 'ALLOCATED' });
    // The first actor's key still answers with its own first response.
    const retry = await rhein.gql(ALLOCATE, { input: { licenseIds: [mine], customerId: RHEIN_C1 } }, withKey('shared-key'));
    expect(replayed(retry)).toBe('true');
    expect(retry.body).toEqual(first.body);
  });

  it('acts again with the same key once 24 hours have passed (the window), and replays within it', async () => {
    const input = { productId: VMS(), distributorId: ids.org('rhein'), count: 1, seats: 2, validFrom: '2026-01-01T00:00:00.000Z' };
    const QUERY = `mutation($input: RegisterLicensesInput!) { registerLicenses(input: $input) { licenses { id } } }`;
    const first = await admin.gql(QUERY, { input }, withKey('register-window'));
    const firstId = first.body.data.registerLicenses.licenses[0].id;
    const licenses = await rowCount(hub.dataSource, 'license');
    const today = hub.now;
    try {
      hub.now = new Date(today.getTime() + 23 * 3600 * 1000);
      const within = await (await hub.as(PERSONAS.vendorAdmin)).gql(QUERY, { input }, withKey('register-window'));
      expect(replayed(within)).toBe('true');
      expect(within.body.data.registerLicenses.licenses[0].id).toBe(firstId);
      expect(await rowCount(hub.dataSource, 'license')).toBe(licenses);

      hub.now = new Date(today.getTime() + 25 * 3600 * 1000);
      const later = await (await hub.as(PERSONAS.vendorAdmin)).gql(QUERY, { input }, withKey('register-window'));
      expect(replayed(later)).toBeNull();
      expect(later.body.errors).toBeUndefined();
      expect(later.body.data.registerLicenses.licenses[0].id).not.toBe(firstId);
      expect(await rowCount(hub.dataSource, 'license')).toBe(licenses + 1);
    } finally {
      hub.now = today;
    }
  });

  it('simply answers a query that carries the header, whatever the key', async () => {
    const QUERY = `query { viewer { role } }`;
    for (const key of ['allocate-retry-1', 'k'.repeat(256)]) {
      const r = await rhein.gql(QUERY, undefined, withKey(key));
      expect({ status: r.status, replayed: replayed(r), body: r.body }).toEqual({ status: 200, replayed: null, body: { data: { viewer: { role: 'DISTRIBUTOR_USER' } } } });
    }
  });

  it('refuses a key over 255 characters (or not printable ASCII) with HTTP 400 BAD_USER_INPUT, and writes nothing; 255 is fine', async () => {
    const [licenseId] = await registerFresh(hub, { distributor: 'rhein' });
    const variables = { input: { licenseIds: [licenseId], customerId: RHEIN_C1 } };
    const before = await writeCounts(hub.dataSource);
    for (const key of ['k'.repeat(256), 'with space']) {
      const r = await rhein.gql(ALLOCATE, variables, withKey(key));
      expect({ key: key.slice(0, 12), status: r.status, code: r.body.errors?.[0].extensions?.code, field: r.body.errors?.[0].extensions?.field }).toEqual({
        key: key.slice(0, 12),
        status: 400,
        code: 'BAD_USER_INPUT',
        field: 'Idempotency-Key',
      });
    }
    expect(await statusOf(licenseId)).toBe('REGISTERED');
    expect(await writeCounts(hub.dataSource)).toEqual(before);
    const ok = await rhein.gql(ALLOCATE, variables, withKey('k'.repeat(255)));
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.allocateLicense.licenses[0].status).toBe('ALLOCATED');
  });

  it('keeps the stored first response sealed: an activation key in a keyed registerLicenses response is not at rest in clear', async () => {
    const r = await admin.gql(REGISTER, { input: { productId: VMS(), distributorId: ids.org('rhein'), count: 1, seats: 1, validFrom: '2026-01-01T00:00:00.000Z' } }, withKey('register-sealed'));
    const key: string = r.body.data.registerLicenses.licenses[0].activationKey;
    expect(key).toBeTruthy();
    const rows: { outcome: unknown }[] = await hub.dataSource.query('SELECT outcome, subjects FROM `idempotency_record`');
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.replace(/-/g, ''));
    // And yet the retry answers with it.
    const retry = await admin.gql(REGISTER, { input: { productId: VMS(), distributorId: ids.org('rhein'), count: 1, seats: 1, validFrom: '2026-01-01T00:00:00.000Z' } }, withKey('register-sealed'));
    expect(replayed(retry)).toBe('true');
    expect(retry.body).toEqual(r.body);
  });

  it('compares keys exactly, the same on both databases: keys that differ only in case are two keys', async () => {
    const [a, b] = await registerFresh(hub, { distributor: 'rhein', count: 2 });
    const first = await rhein.gql(ALLOCATE, { input: { licenseIds: [a], customerId: RHEIN_C1 } }, withKey('Case-Key-1'));
    expect(first.body.errors).toBeUndefined();
    const other = await rhein.gql(ALLOCATE, { input: { licenseIds: [b], customerId: RHEIN_C1 } }, withKey('case-key-1'));
    expect({ status: other.status, replayed: replayed(other), errors: other.body.errors ?? null }).toEqual({ status: 200, replayed: null, errors: null });
    expect(await statusOf(b)).toBe('ALLOCATED');
  });

  it('acts once when the same keyed request arrives 8 times at once: the others replay it or are told it is still running', async () => {
    const licenseIds = await registerFresh(hub, { distributor: 'rhein', count: 2 });
    const variables = { input: { licenseIds, customerId: RHEIN_C1 } };
    const results = await Promise.all(Array.from({ length: 8 }, () => rhein.gql(ALLOCATE, variables, withKey('allocate-burst'))));
    const acted = results.filter((r) => replayed(r) === null && r.status === 200);
    expect(acted).toHaveLength(1);
    expect(acted[0].body.errors).toBeUndefined();
    for (const r of results) {
      if (r === acted[0]) continue;
      if (replayed(r) === 'true') expect(r.body).toEqual(acted[0].body);
      else
        expect({ status: r.status, code: r.body.errors?.[0].extensions?.code, message: r.body.errors?.[0].message }).toEqual({
          status: 409,
          code: 'CONFLICT',
          message: expect.stringMatching(/^Idempotency-Key: /),
        });
    }
    for (const id of licenseIds) expect(await auditOf(admin, id, 'license.allocated')).toHaveLength(1);
  });
});
