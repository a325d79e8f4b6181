import { LICENSE_CASES, PERSONAS } from '../../seeds/personas';
import { fromGlobalIdOf } from '../../src/common/global-id';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, TestHub } from '../helpers/hub';
import { ACTIVATE, auditOf, computer, ids, onlyError, registerFresh, requestIdOf, writeCounts } from '../helpers/licenses';

const RENEW = `mutation Renew($input: RenewLicenseInput!) {
  renewLicense(input: $input) { license { id status validFrom validUntil } }
}`;

/**
 * Renewal (issue #13): VENDOR_ADMIN moves a license's validUntil later, audited as
 * license.renewed in the same transaction. Everyone else is refused; a date not after the
 * current end (or after now), a perpetual license are BAD_USER_INPUT naming input.validUntil; a
 * revoked license is a CONFLICT. A refusal writes nothing.
 */
describe(`license renewal (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;

  beforeAll(async () => {
    hub = await TestHub.start('license_renewal');
    admin = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());

  it('renews an expired license: status back to ALLOCATED, one license.renewed event with the request id, activation possible again', async () => {
    const licenseId = ids.license('liberty', LICENSE_CASES.expired);
    const customer = await hub.as(PERSONAS.customer('liberty-c2').user);
    const refused = onlyError(await customer.gql(ACTIVATE, { input: { licenseId, computer: computer('RENEW-BEFORE') } }), 'activateLicense');
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', status: 'EXPIRED' });

    const before = await writeCounts(hub.dataSource);
    const r = await admin.gql(RENEW, { input: { licenseId, validUntil: '2027-06-30T00:00:00.000Z' } });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.renewLicense.license).toEqual({ id: licenseId, status: 'ALLOCATED', validFrom: expect.any(String), validUntil: '2027-06-30T00:00:00.000Z' });
    expect(await writeCounts(hub.dataSource)).toEqual({ ...before, licenseEvents: before.licenseEvents + 1 });
    const events = await auditOf(admin, licenseId, 'license.renewed');
    expect(events.map((e) => ({ action: e.action, requestId: e.requestId, subjectType: e.subjectType, outcome: e.outcome }))).toEqual([
      { action: 'license.renewed', requestId: requestIdOf(r), subjectType: 'License', outcome: 'ALLOWED' },
    ]);
    const [{ detail }] = await hub.dataSource.query('SELECT detail FROM `audit_event` WHERE action = ? AND subjectId = ?', ['license.renewed', fromGlobalIdOf('License', licenseId)]);
    expect(JSON.parse(String(detail))).toEqual({ previousValidUntil: '2026-06-30T00:00:00.000Z', validUntil: '2027-06-30T00:00:00.000Z', wasExpired: true });

    const activated = await customer.gql(ACTIVATE, { input: { licenseId, computer: computer('RENEW-AFTER') } });
    expect(activated.body.errors).toBeUndefined();
  });

  it('extends a license in its term, and replays a retry with the same Idempotency-Key without a second event', async () => {
    const [licenseId] = await registerFresh(hub, { distributor: 'alpen', validUntil: '2027-01-01T00:00:00.000Z' });
    const headers = { 'Idempotency-Key': 'renew-once' };
    const first = await admin.gql(RENEW, { input: { licenseId, validUntil: '2028-01-01T00:00:00.000Z' } }, headers);
    const retry = await admin.gql(RENEW, { input: { licenseId, validUntil: '2028-01-01T00:00:00.000Z' } }, headers);
    expect(first.body.data.renewLicense.license).toMatchObject({ status: 'REGISTERED', validUntil: '2028-01-01T00:00:00.000Z' });
    expect({ replayed: retry.headers.get('idempotency-replayed'), body: retry.body }).toEqual({ replayed: 'true', body: first.body });
    expect(await auditOf(admin, licenseId, 'license.renewed')).toHaveLength(1);
  });

  it('is VENDOR_ADMIN only: every other role and a vendor API key with licenses:write get FORBIDDEN, and nothing is written', async () => {
    const licenseId = ids.license('liberty', LICENSE_CASES.spare);
    const vendorKey = await createApiKey(hub.dataSource, { org: 'mobotix', scopes: ['licenses:read', 'licenses:write'] });
    const refusedBy: [string, Client][] = [
      ['VENDOR_STAFF', await hub.as(PERSONAS.vendorStaff)],
      ['PRIVACY_OFFICER', await hub.as(PERSONAS.privacyOfficer)],
      ['DISTRIBUTOR_ADMIN', await hub.as(PERSONAS.distributors.liberty.admin)],
      ['DISTRIBUTOR_USER', await hub.as(PERSONAS.distributors.liberty.user)],
      ['CUSTOMER_ADMIN', await hub.as(PERSONAS.customer('liberty-c1').admin)],
      ['CUSTOMER_USER', await hub.as(PERSONAS.customer('liberty-c1').user)],
      ['vendor API key', hub.withToken(vendorKey.secret)],
    ];
    const before = await writeCounts(hub.dataSource);
    const stored = () => hub.dataSource.query('SELECT validUntil FROM `license` WHERE id = ?', [fromGlobalIdOf('License', licenseId)]);
    const storedBefore = await stored();
    const seen: Record<string, unknown> = {};
    for (const [who, client] of refusedBy) {
      const r = await client.gql(RENEW, { input: { licenseId, validUntil: '2030-01-01T00:00:00.000Z' } });
      seen[who] = { codes: codes(r), data: r.body.data?.renewLicense ?? null };
    }
    expect(seen).toEqual(Object.fromEntries(refusedBy.map(([who]) => [who, { codes: ['FORBIDDEN'], data: null }])));
    expect(await writeCounts(hub.dataSource)).toEqual(before);
    expect(await stored()).toEqual(storedBefore);
  });

  it('refuses a validUntil not after the current one or in the past, a perpetual license (BAD_USER_INPUT, input.validUntil), a revoked one (CONFLICT), an unknown one (NOT_FOUND), writing nothing', async () => {
    const [licenseId] = await registerFresh(hub, { distributor: 'rhein', validUntil: '2027-03-01T00:00:00.000Z' });
    const [perpetual] = await registerFresh(hub, { distributor: 'rhein', validUntil: null });
    const before = await writeCounts(hub.dataSource);
    const attempt = async (input: Record<string, unknown>) => {
      const e = onlyError(await admin.gql(RENEW, { input }), 'renewLicense');
      return { code: e.extensions?.code, field: e.extensions?.field };
    };
    const bad = { code: 'BAD_USER_INPUT', field: 'input.validUntil' };
    expect(await attempt({ licenseId, validUntil: '2027-03-01T00:00:00.000Z' })).toEqual(bad);
    expect(await attempt({ licenseId, validUntil: '2027-02-01T00:00:00.000Z' })).toEqual(bad);
    expect(await attempt({ licenseId, validUntil: '2026-11-01T00:00:00.000Z' })).toEqual(bad);
    expect(await attempt({ licenseId, validUntil: '2200-01-01T00:00:00.000Z' })).toEqual(bad);
    expect(await attempt({ licenseId: perpetual, validUntil: '2030-01-01T00:00:00.000Z' })).toEqual(bad);
    expect(await attempt({ licenseId: ids.license('liberty', LICENSE_CASES.revoked), validUntil: '2030-01-01T00:00:00.000Z' })).toEqual({
      code: 'CONFLICT',
      field: 'input.licenseId',
    });
    expect(await attempt({ licenseId: ids.unknown('License'), validUntil: '2030-01-01T00:00:00.000Z' })).toEqual({ code: 'NOT_FOUND', field: undefined });
    expect(await attempt({ licenseId: ids.org('rhein'), validUntil: '2030-01-01T00:00:00.000Z' })).toEqual({ code: 'BAD_USER_INPUT', field: 'input.licenseId' });
    expect(await writeCounts(hub.dataSource)).toEqual(before);
  });
});
