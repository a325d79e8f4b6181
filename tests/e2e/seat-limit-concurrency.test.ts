import { orgId, PERSONAS } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { codes, TestHub } from '../helpers/hub';
import { ON_MYSQL } from '../helpers/database';

const REGISTER = `mutation($input: RegisterLicensesInput!) { registerLicenses(input: $input) { licenses { id seats status } } }`;
const ALLOCATE = `mutation($input: AllocateLicenseInput!) { allocateLicense(input: $input) { licenses { id status customer { name } } } }`;
const ACTIVATE = `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { activation { id computer { hostId } } } }`;

describe(`the seat limit under concurrent activations (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await TestHub.start('seat_concurrency');
  });
  afterAll(() => hub?.close());

  it('20 concurrent activations of a 5-seat license give exactly 5 activations and 15 CONFLICTs', async () => {
    const admin = await hub.as(PERSONAS.vendorAdmin);
    const product = (await admin.data(`{ products { id sku } }`)).products[0].id;
    const { registerLicenses } = await admin.data(REGISTER, {
      input: { productId: product, distributorId: toGlobalId('Organization', orgId('rhein')), count: 1, seats: 5, validFrom: '2026-01-01T00:00:00Z' },
    });
    const licenseId = registerLicenses.licenses[0].id;
    const rhein = await hub.as(PERSONAS.distributors.rhein.user);
    await rhein.data(ALLOCATE, { input: { licenseIds: [licenseId], customerId: toGlobalId('Organization', orgId('rhein-c1')) } });

    const customers = await Promise.all(Array.from({ length: 20 }, (_, i) => hub.as(i % 2 ? 'admin@rhein-c1.example' : 'user@rhein-c1.example')));
    const results = await Promise.all(customers.map((c, i) => c.gql(ACTIVATE, { input: { licenseId, computer: { name: `WS-${i}`, hostId: `CONC-HOST-${i}`, os: 'Windows 11' } } })));
    const ok = results.filter((r) => r.body.data?.activateLicense?.activation);
    const conflicts = results.filter((r) => codes(r)[0] === 'CONFLICT');
    expect(ok).toHaveLength(5);
    expect(conflicts).toHaveLength(15);
    expect(conflicts[0].body.errors![0].message).toMatch(/seat limit reached: 5 of 5 seats are in use/);
    const seen = await admin.data(`query($id: ID!) { license(id: $id) { seats seatsUsed activations(first: 50) { totalCount } } }`, { id: licenseId });
    expect(seen.license).toEqual({ seats: 5, seatsUsed: 5, activations: { totalCount: 5 } });
  });
});
