import { PERSONAS, PRODUCT_SKUS } from '../../seeds/personas';
import { isWellFormedActivationKey } from '../../src/common/activation-key';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, TestHub } from '../helpers/hub';
import { auditOf, ids, onlyError, REGISTER, requestIdOf, rowCount, VMS, writeCounts } from '../helpers/licenses';

/**
 * registerLicenses (issue #4 item 1, docs/data-model.md P10): VENDOR_ADMIN issues licenses to a
 * distributor; each carries a crypto-random activation key a person can type, with a check
 * character that recognizes a mistyped key.
 */

/** Crockford base32 (no I, L, O, U); the check character may also be one of * ~ $ = U. */
const SYMBOL = '[0-9A-HJKMNP-TV-Z]';
const CHECK = '[0-9A-HJKMNP-TV-Z*~$=U]';
/** 20 symbols in groups of five, the last one the check character (src/common/activation-key.ts). */
const KEY_FORMAT = new RegExp(`^${SYMBOL}{5}-${SYMBOL}{5}-${SYMBOL}{5}-${SYMBOL}{4}${CHECK}$`);
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe(`registerLicenses (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;
  const input = (over: Record<string, unknown> = {}) => ({
    productId: VMS(),
    distributorId: ids.org('rhein'),
    count: 3,
    seats: 5,
    validFrom: '2026-12-01T00:00:00.000Z',
    ...over,
  });

  beforeAll(async () => {
    hub = await TestHub.start('license_registration');
    admin = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());

  it('registers 3 REGISTERED licenses held by the distributor, each with its own well-formed key, perpetual without validUntil', async () => {
    const before = await writeCounts(hub.dataSource);
    const r = await admin.gql(REGISTER, { input: input() });
    expect(r.body.errors).toBeUndefined();
    const licenses = r.body.data.registerLicenses.licenses;
    expect(licenses).toHaveLength(3);
    for (const l of licenses) {
      expect(l).toMatchObject({
        status: 'REGISTERED',
        seats: 5,
        seatsUsed: 0,
        validFrom: '2026-12-01T00:00:00.000Z',
        validUntil: null,
        product: { id: VMS() },
        distributor: { id: ids.org('rhein') },
        customer: null,
      });
      expect(l.activationKey).toMatch(KEY_FORMAT);
      expect(isWellFormedActivationKey(l.activationKey)).toBe(true);
    }
    expect(new Set(licenses.map((l: { activationKey: string }) => l.activationKey)).size).toBe(3);
    expect(new Set(licenses.map((l: { id: string }) => l.id)).size).toBe(3);

    const after = await writeCounts(hub.dataSource);
    expect(after.license).toBe(before.license + 3);
    expect(after.licenseEvents).toBe(before.licenseEvents + 3);
    // Unique across the table, the seed's keys included.
    const [{ n }] = await hub.dataSource.query('SELECT COUNT(DISTINCT activationKeyDigest) AS n FROM `license`');
    expect(Number(n)).toBe(after.license);

    // The holding distributor sees them among its REGISTERED licenses.
    const rhein = await hub.as(PERSONAS.distributors.rhein.user);
    const held = await rhein.data(`{ licenses(filter: { status: REGISTERED }, first: 100) { nodes { id } } }`);
    expect(held.licenses.nodes.map((l: { id: string }) => l.id)).toEqual(expect.arrayContaining(licenses.map((l: { id: string }) => l.id)));

    // One license.registered event per license, with the request id of the write.
    const requestId = requestIdOf(r);
    for (const l of licenses) {
      const events = await auditOf(admin, l.id, 'license.registered');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ requestId, actorType: 'USER', actorId: ids.user(PERSONAS.vendorAdmin), subjectType: 'License', subjectId: l.id, outcome: 'ALLOWED' });
    }
  });

  it('recognizes a key with one mistyped character as not well-formed, and tolerates case and separators', async () => {
    const { registerLicenses } = await admin.data(REGISTER, { input: input({ count: 1 }) });
    const key: string = registerLicenses.licenses[0].activationKey;
    const compact = key.replace(/-/g, '');
    expect(isWellFormedActivationKey(key.toLowerCase())).toBe(true);
    expect(isWellFormedActivationKey(compact)).toBe(true);
    for (let i = 0; i < compact.length; i++) {
      const other = ALPHABET[(ALPHABET.indexOf(compact[i]) + 1 + i) % ALPHABET.length];
      const typo = compact.slice(0, i) + (other === compact[i] ? ALPHABET[(ALPHABET.indexOf(other) + 1) % ALPHABET.length] : other) + compact.slice(i + 1);
      expect(typo).not.toBe(compact);
      expect({ position: i, wellFormed: isWellFormedActivationKey(typo) }).toEqual({ position: i, wellFormed: false });
    }
    // Two neighbours swapped is the other common typing error.
    const swapAt = [...compact].findIndex((c, i) => i < 18 && c !== compact[i + 1]);
    const swapped = compact.slice(0, swapAt) + compact[swapAt + 1] + compact[swapAt] + compact.slice(swapAt + 2);
    expect(isWellFormedActivationKey(swapped)).toBe(false);
  });

  it('is refused to every role but VENDOR_ADMIN, and to API keys, with FORBIDDEN, and writes nothing', async () => {
    const vendorKey = await createApiKey(hub.dataSource, { org: 'mobotix', scopes: ['licenses:read', 'licenses:write', 'customers:read', 'activation_keys:read'] });
    const rheinKey = await createApiKey(hub.dataSource, { org: 'rhein', scopes: ['licenses:read', 'licenses:write', 'customers:read'] });
    const clients: [string, Client][] = [
      ['VENDOR_STAFF', await hub.as(PERSONAS.vendorStaff)],
      ['PRIVACY_OFFICER', await hub.as(PERSONAS.privacyOfficer)],
      ['DISTRIBUTOR_ADMIN', await hub.as(PERSONAS.distributors.rhein.admin)],
      ['DISTRIBUTOR_USER', await hub.as(PERSONAS.distributors.rhein.user)],
      ['CUSTOMER_ADMIN', await hub.as(PERSONAS.customer('rhein-c1').admin)],
      ['CUSTOMER_USER', await hub.as(PERSONAS.customer('rhein-c1').user)],
      ['vendor API key', hub.withToken(vendorKey.secret)],
      ['distributor API key', hub.withToken(rheinKey.secret)],
    ];
    const before = await writeCounts(hub.dataSource);
    const seen: Record<string, unknown> = {};
    for (const [who, client] of clients) {
      const r = await client.gql(REGISTER, { input: input() });
      seen[who] = { status: r.status, codes: codes(r), data: r.body.data?.registerLicenses ?? null };
    }
    const expected = Object.fromEntries(clients.map(([who]) => [who, { status: 200, codes: ['FORBIDDEN'], data: null }]));
    expect(seen).toEqual(expected);
    expect(await writeCounts(hub.dataSource)).toEqual(before);
  });

  it('refuses out-of-range or inconsistent input with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['count 0', { count: 0 }, 'input.count'],
      ['count 1001', { count: 1001 }, 'input.count'],
      ['seats 0', { seats: 0 }, 'input.seats'],
      ['seats 10001', { seats: 10001 }, 'input.seats'],
      ['validUntil before validFrom', { validUntil: '2026-11-30T23:59:59.000Z' }, 'input.validUntil'],
      ['validUntil equal to validFrom', { validUntil: '2026-12-01T00:00:00.000Z' }, 'input.validUntil'],
      ['productId of another type (an organization)', { productId: ids.org('rhein') }, 'input.productId'],
      ['productId not an id at all', { productId: 'nope' }, 'input.productId'],
      ['distributorId of a customer', { distributorId: ids.org('rhein-c1') }, 'input.distributorId'],
      ['distributorId of the vendor', { distributorId: ids.org('mobotix') }, 'input.distributorId'],
      ['distributorId of another type (a product)', { distributorId: VMS() }, 'input.distributorId'],
    ];
    const before = await writeCounts(hub.dataSource);
    const seen: Record<string, unknown> = {};
    for (const [name, over] of cases) {
      const r = await admin.gql(REGISTER, { input: input(over) });
      const error = onlyError(r, 'registerLicenses');
      seen[name] = { code: error.extensions?.code, field: error.extensions?.field, named: error.message.includes(String(error.extensions?.field)) };
    }
    expect(seen).toEqual(Object.fromEntries(cases.map(([name, , field]) => [name, { code: 'BAD_USER_INPUT', field, named: true }])));
    expect(await writeCounts(hub.dataSource)).toEqual(before);
  });

  it('names every problem of one input at once', async () => {
    const r = await admin.gql(REGISTER, { input: input({ count: 0, seats: 10001, validUntil: '2026-01-01T00:00:00.000Z' }) });
    const error = onlyError(r, 'registerLicenses');
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect((error.extensions?.problems as { field: string }[]).map((p) => p.field)).toEqual(['input.count', 'input.seats', 'input.validUntil']);
  });

  it('answers NOT_FOUND for an unknown product or distributor, and writes nothing', async () => {
    const before = await writeCounts(hub.dataSource);
    const product = onlyError(await admin.gql(REGISTER, { input: input({ productId: ids.unknown('Product') }) }), 'registerLicenses');
    const distributor = onlyError(await admin.gql(REGISTER, { input: input({ distributorId: ids.unknown('Organization') }) }), 'registerLicenses');
    expect([product.extensions?.code, distributor.extensions?.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(await writeCounts(hub.dataSource)).toEqual(before);
  });

  it('names the input field in a NOT_FOUND refusal (issue #4 item 6: "naming the field")', async () => {
    const product = onlyError(await admin.gql(REGISTER, { input: input({ productId: ids.unknown('Product') }) }), 'registerLicenses');
    const distributor = onlyError(await admin.gql(REGISTER, { input: input({ distributorId: ids.unknown('Organization') }) }), 'registerLicenses');
    // allocateLicense names the field of its NOT_FOUND ("Organization (input.customerId) not found"); so must this.
    expect([product.message, distributor.message]).toEqual([expect.stringContaining('input.productId'), expect.stringContaining('input.distributorId')]);
  });

  it('accepts the bounds: 1000 licenses of 10000 seats in one call, each key unique in the table, validUntil kept', async () => {
    const before = await writeCounts(hub.dataSource);
    const r = await admin.gql(`mutation($input: RegisterLicensesInput!) { registerLicenses(input: $input) { licenses { id status seats validUntil } } }`, {
      input: input({ count: 1000, seats: 10000, productId: ids.product(PRODUCT_SKUS.analytics), distributorId: ids.org('vigilancia'), validUntil: '2027-12-01T00:00:00.000Z' }),
    });
    expect(r.body.errors).toBeUndefined();
    const licenses = r.body.data.registerLicenses.licenses;
    expect(licenses).toHaveLength(1000);
    expect(new Set(licenses.map((l: { status: string; seats: number; validUntil: string }) => `${l.status}/${l.seats}/${l.validUntil}`))).toEqual(
      new Set(['REGISTERED/10000/2027-12-01T00:00:00.000Z']),
    );
    const after = await writeCounts(hub.dataSource);
    expect(after.license).toBe(before.license + 1000);
    expect(after.licenseEvents).toBe(before.licenseEvents + 1000);
    const [{ n }] = await hub.dataSource.query('SELECT COUNT(DISTINCT activationKeyDigest) AS n FROM `license`');
    expect(Number(n)).toBe(after.license);
    expect(await rowCount(hub.dataSource, 'audit_event', 'action = ? AND requestId = ?', ['license.registered', requestIdOf(r)])).toBe(1000);
  });
});
