import 'reflect-metadata';
import { sqlDate } from '../../src/common/sql';
import { contractId, DistributorSlug, licenseId, orgId, PERSONAS, userId } from '../../seeds/personas';
import { errorCodes, gid } from '../helpers/authz';
import { ON_MYSQL } from '../helpers/database';
import { Client, GraphQLResponse, TestHub } from '../helpers/hub';

/**
 * Issue #13, a gated dashboard that says what to do: every TRANSFER_BASIS_REQUIRED error carries
 * the gate's reason as a machine reads it (extensions.reason, beside basis), the decision shows
 * it (TransferDecision.denialReason), and the answer carries one summary per gate that denied
 * something (extensions.transferGates): the reason, the contract concerned and its date, since
 * when, and the action that would open the gate. Over real HTTP, for the seed distributors of
 * every closed case, and for contracts changed through the API by the vendor admin.
 */

const NOW = '2026-11-27T12:00:00.000Z';
const DAY = (d: string) => `${d}T00:00:00.000Z`;

/** The dashboard of a distributor: many personal fields across its customers (dozens of refusals when gated). */
const DASHBOARD = `{ viewer { organization { transferBasis { allowed denialReason } } } customers(first: 50) { nodes { name email phone users(first: 5) { nodes { name email phone } } licenses(first: 20) { nodes { licensee { email } activations { nodes { computer { name hostId } activatedBy { email } } } } } } } }`;
const SMALL = `{ viewer { organization { transferBasis { allowed denialReason } } } customers(first: 5) { nodes { name email } } }`;

interface Summary {
  distributorId: string;
  reason: string;
  country: string | null;
  message: string | null;
  since: string | null;
  contract: { id: string; type: string; documentRef: string | null; date: string | null; dateKind: string | null } | null;
  action: { code: string; message: string };
}

const gatesOf = (r: GraphQLResponse): Summary[] | undefined => (r.body as { extensions?: { transferGates?: Summary[] } }).extensions?.transferGates;
const gateErrors = (r: GraphQLResponse) => (r.body.errors ?? []).filter((e) => e.extensions?.code === 'TRANSFER_BASIS_REQUIRED');

describe(`a gated dashboard that says what to do (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let vendor: Client;

  const at = async (instant: string, email: string): Promise<Client> => {
    hub.now = new Date(instant);
    return hub.as(email);
  };

  /** As the distributor's admin: the decision's reason, every refusal's reason, and the one summary, which must agree. */
  async function closedGate(slug: DistributorSlug, query = SMALL) {
    const r = await (await hub.as(PERSONAS.distributors[slug].admin)).gql(query);
    expect(r.status).toBe(200);
    expect(errorCodes(r)).toEqual(['TRANSFER_BASIS_REQUIRED']);
    const decision = r.body.data.viewer.organization.transferBasis;
    expect(decision.allowed).toBe(false);
    const reasons = [...new Set(gateErrors(r).map((e) => e.extensions?.reason))];
    expect(reasons).toEqual([decision.denialReason]);
    for (const e of gateErrors(r)) expect(e.extensions).toEqual({ code: 'TRANSFER_BASIS_REQUIRED', basis: 'NONE', reason: decision.denialReason });
    const gates = gatesOf(r)!;
    expect(gates).toHaveLength(1);
    expect(gates[0].reason).toBe(decision.denialReason);
    expect(gates[0].distributorId).toBe(gid('Organization', orgId(slug)));
    return { r, gate: gates[0], errors: gateErrors(r).length };
  }

  async function openGate(slug: DistributorSlug) {
    const r = await (await hub.as(PERSONAS.distributors[slug].admin)).gql(SMALL);
    expect([slug, r.body.errors, r.body.data.viewer.organization.transferBasis]).toEqual([slug, undefined, { allowed: true, denialReason: null }]);
    expect([slug, gatesOf(r)]).toEqual([slug, undefined]);
  }

  beforeAll(async () => {
    hub = await TestHub.start('gated_dashboard');
    vendor = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());
  afterEach(() => {
    hub.now = new Date(NOW);
  });

  it('mumbai (SCC expired 2026-01-01): dozens of refusals, each with reason CONTRACT_EXPIRED, and one summary naming the contract, the date and RENEW_CONTRACT', async () => {
    const { gate, errors } = await closedGate('mumbai', DASHBOARD);
    expect(errors).toBeGreaterThan(20);
    expect(gate).toEqual({
      distributorId: gid('Organization', orgId('mumbai')),
      reason: 'CONTRACT_EXPIRED',
      country: 'IN',
      message: 'IN: SCC_2021 contract C-MUMBAI-2022 expired 2026-01-01',
      since: DAY('2026-01-01'),
      contract: { id: gid('Contract', contractId('mumbai')), type: 'SCC_2021', documentRef: 'C-MUMBAI-2022', date: DAY('2026-01-01'), dateKind: 'EXPIRES_AT' },
      action: { code: 'RENEW_CONTRACT', message: 'Renew the expired contract with the vendor: a SCC_2021 or DPA contract in force for IN opens the gate.' },
    });
  });

  it.each([
    ['gulf', 'CONTRACT_UNSIGNED', 'AE', null, 'SIGN_CONTRACT', { type: 'SCC_2021', documentRef: 'C-GULF-2025', date: null, dateKind: null }],
    [
      'bosphorus',
      'CONTRACT_TYPE_PAST_CUTOFF',
      'TR',
      DAY('2022-12-27'),
      'NEW_CONTRACT_REQUIRED',
      { type: 'SCC_2010', documentRef: 'C-BOSPHORUS-2019', date: DAY('2022-12-27'), dateKind: 'TYPE_VALID_UNTIL' },
    ],
    [
      'oldglory',
      'CONTRACT_TYPE_PAST_CUTOFF',
      'US',
      DAY('2020-07-16'),
      'NEW_CONTRACT_REQUIRED',
      { type: 'PRIVACY_SHIELD', documentRef: 'C-OLDGLORY-2017', date: DAY('2020-07-16'), dateKind: 'TYPE_VALID_UNTIL' },
    ],
    ['andes', 'CONTRACT_TERMINATED', 'CL', DAY('2024-09-30'), 'NEW_CONTRACT_REQUIRED', { type: 'SCC_2021', documentRef: 'C-ANDES-2023', date: DAY('2024-09-30'), dateKind: 'TERMINATED_AT' }],
    ['nordlicht', 'PROCESSING_COUNTRY_WITHOUT_BASIS', 'US', null, 'NEW_CONTRACT_REQUIRED', null],
  ] as const)('%s: reason %s for %s, since %s, action %s', async (slug, reason, country, since, action, contract) => {
    const { gate } = await closedGate(slug);
    expect(gate).toMatchObject({ reason, country, since, action: { code: action } });
    expect(gate.contract).toEqual(contract && { id: gid('Contract', contractId(slug)), ...contract });
    expect(gate.message).toEqual(expect.stringContaining(`${country}:`));
  });

  it('open gates (rhein, alpen, liberty, vigilancia, lioncity): no refusal, no denialReason, no summary', async () => {
    for (const slug of ['rhein', 'alpen', 'liberty', 'vigilancia', 'lioncity'] as const) await openGate(slug);
  });

  it('no summary when nothing was denied: mumbai asking only for its own gate, and the vendor admin reading mumbai’s customers', async () => {
    const own = await (await hub.as(PERSONAS.distributors.mumbai.admin)).gql(`{ viewer { organization { transferBasis { allowed denialReason } } } }`);
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.viewer.organization.transferBasis).toEqual({ allowed: false, denialReason: 'CONTRACT_EXPIRED' });
    expect(gatesOf(own)).toBeUndefined();
    const byVendor = await vendor.gql(`query($id: ID!) { organization(id: $id) { transferBasis { denialReason } customers(first: 5) { nodes { email } } } }`, {
      id: gid('Organization', orgId('mumbai')),
    });
    expect(byVendor.body.errors).toBeUndefined();
    expect(byVendor.body.data.organization.transferBasis.denialReason).toBe('CONTRACT_EXPIRED');
    expect(gatesOf(byVendor)).toBeUndefined();
  });

  it('an API key without contracts:read gets the reason and the action, but not the contract, its sentence or its date (CONTRACT data)', async () => {
    const admin = await hub.as(PERSONAS.distributors.mumbai.admin);
    const make = (scopes: string[]) =>
      admin.data(`mutation K($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, {
        input: { organizationId: gid('Organization', orgId('mumbai')), name: `dashboard ${scopes.length}`, scopes },
      });
    const without = hub.withToken((await make(['customers:read', 'personal_data:read'])).createApiKey.secret);
    const r = await without.gql(`{ customers(first: 5) { nodes { email } } }`);
    expect(errorCodes(r)).toEqual(['TRANSFER_BASIS_REQUIRED']);
    expect(gateErrors(r).every((e) => e.extensions?.reason === 'CONTRACT_EXPIRED')).toBe(true);
    expect(gatesOf(r)).toEqual([
      {
        distributorId: gid('Organization', orgId('mumbai')),
        reason: 'CONTRACT_EXPIRED',
        country: 'IN',
        message: null,
        since: null,
        contract: null,
        action: expect.objectContaining({ code: 'RENEW_CONTRACT' }),
      },
    ]);
    // The same key may not read the gate itself either: the summary tells it no more than transferBasis would.
    const direct = await without.gql(`{ viewer { organization { transferBasis { reason } } } }`);
    expect(errorCodes(direct)).toEqual(['FORBIDDEN']);
    const withContracts = hub.withToken((await make(['customers:read', 'personal_data:read', 'contracts:read'])).createApiKey.secret);
    const full = await withContracts.gql(`{ customers(first: 5) { nodes { email } } }`);
    expect(gatesOf(full)![0].contract).toMatchObject({ id: gid('Contract', contractId('mumbai')), documentRef: 'C-MUMBAI-2022' });
  });

  it('a refused activation (the customer’s computers are personal data) carries the reason, and the answer the summary', async () => {
    const admin = await hub.as(PERSONAS.distributors.mumbai.admin);
    const r = await admin.gql(`mutation A($input: ActivateLicenseInput!) { activateLicense(input: $input) { activation { id } } }`, {
      input: { licenseId: gid('License', licenseId('mumbai', 5)), computer: { name: 'NEW-PC', hostId: 'GATED-DASHBOARD-HOST-1', os: 'Windows 11' } },
    });
    expect(errorCodes(r)).toEqual(['TRANSFER_BASIS_REQUIRED']);
    expect(r.body.errors![0].extensions).toMatchObject({ basis: 'NONE', reason: 'CONTRACT_EXPIRED', field: 'input.computer' });
    expect(gatesOf(r)).toEqual([expect.objectContaining({ reason: 'CONTRACT_EXPIRED', action: expect.objectContaining({ code: 'RENEW_CONTRACT' }) })]);
  });

  it('lioncity: the vendor admin schedules the end of its DPA; open until then, CONTRACT_TERMINATED with that date from it on, in a dashboard and in the export of its admin (computers withheld)', async () => {
    // While the gate is open, lioncity's admin activates a license on a new computer of its customer.
    const admin = await hub.as(PERSONAS.distributors.lioncity.admin);
    const activated = await admin.gql(`mutation A($input: ActivateLicenseInput!) { activateLicense(input: $input) { activation { id } } }`, {
      input: { licenseId: gid('License', licenseId('lioncity', 5)), computer: { name: 'LION-NEW-PC', hostId: 'GATED-DASHBOARD-LION-1', os: 'Windows 11' } },
    });
    expect(activated.body.errors).toBeUndefined();
    expect(gatesOf(activated)).toBeUndefined();
    const done = await vendor.data(`mutation T($input: TerminateContractInput!) { terminateContract(input: $input) { contract { status terminatedAt } } }`, {
      input: { contractId: gid('Contract', contractId('lioncity')), terminatedAt: DAY('2026-12-15') },
    });
    expect(done.terminateContract.contract).toEqual({ status: 'SIGNED', terminatedAt: DAY('2026-12-15') });
    await openGate('lioncity');
    hub.now = new Date(DAY('2026-12-20'));
    const { gate } = await closedGate('lioncity');
    expect(gate).toMatchObject({
      reason: 'CONTRACT_TERMINATED',
      country: 'SG',
      since: DAY('2026-12-15'),
      contract: { id: gid('Contract', contractId('lioncity')), type: 'DPA', date: DAY('2026-12-15'), dateKind: 'TERMINATED_AT' },
      action: { code: 'NEW_CONTRACT_REQUIRED' },
    });
    const exported = await (
      await hub.as(PERSONAS.distributors.lioncity.admin)
    ).gql(`mutation E($input: ExportPersonalDataInput!) { exportPersonalData(input: $input) { document } }`, { input: { userId: gid('PortalUser', userId(PERSONAS.distributors.lioncity.admin)) } });
    expect(exported.body.errors).toBeUndefined();
    const computers = exported.body.data.exportPersonalData.document.computers;
    expect(computers).toEqual([expect.objectContaining({ name: null, hostId: null, withheld: expect.objectContaining({ code: 'TRANSFER_BASIS_REQUIRED' }) })]);
    expect(gatesOf(exported)).toEqual([expect.objectContaining({ reason: 'CONTRACT_TERMINATED', since: DAY('2026-12-15') })]);
  });

  it('mumbai: a new SCC signed now and effective 2026-12-01 — WAIT_UNTIL_EFFECTIVE with that contract until then, and the gate open (no summary) from it on', async () => {
    const made = await vendor.data(`mutation C($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }`, {
      input: { distributorId: gid('Organization', orgId('mumbai')), type: 'SCC_2021', effectiveFrom: DAY('2026-12-01'), documentRef: 'C-MUMBAI-2026' },
    });
    const id = made.createContract.contract.id;
    await vendor.data(`mutation S($input: SignContractInput!) { signContract(input: $input) { contract { status } } }`, { input: { contractId: id, signedAt: NOW } });
    const { gate } = await closedGate('mumbai');
    expect(gate).toMatchObject({
      reason: 'CONTRACT_NOT_YET_EFFECTIVE',
      since: null,
      contract: { id, type: 'SCC_2021', documentRef: 'C-MUMBAI-2026', date: DAY('2026-12-01'), dateKind: 'EFFECTIVE_FROM' },
      action: { code: 'WAIT_UNTIL_EFFECTIVE' },
    });
    hub.now = new Date(DAY('2026-12-01'));
    const r = await (await at(DAY('2026-12-01'), PERSONAS.distributors.mumbai.admin)).gql(DASHBOARD);
    expect(r.body.errors).toBeUndefined();
    expect(gatesOf(r)).toBeUndefined();
  });

  it('nordlicht: a DRAFT SCC recorded by the vendor turns PROCESSING_COUNTRY_WITHOUT_BASIS into CONTRACT_UNSIGNED / SIGN_CONTRACT; signing it opens the gate', async () => {
    const made = await vendor.data(`mutation C($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }`, {
      input: { distributorId: gid('Organization', orgId('nordlicht')), type: 'SCC_2021', effectiveFrom: DAY('2026-11-01'), documentRef: 'C-NORDLICHT-2026' },
    });
    const id = made.createContract.contract.id;
    const { gate } = await closedGate('nordlicht');
    expect(gate).toMatchObject({ reason: 'CONTRACT_UNSIGNED', country: 'US', contract: { id, dateKind: null }, action: { code: 'SIGN_CONTRACT' } });
    await vendor.data(`mutation S($input: SignContractInput!) { signContract(input: $input) { contract { status } } }`, { input: { contractId: id, signedAt: NOW } });
    await openGate('nordlicht');
  });

  it('alpen: the operator ends the Swiss adequacy decision — ADEQUACY_ENDED since that day, no contract concerned; restored, the gate opens again', async () => {
    const SET = "UPDATE `jurisdiction_rule` SET validUntil = ? WHERE country = 'CH' AND regime = 'ADEQUACY'";
    await hub.dataSource.query(SET, [sqlDate(new Date(DAY('2026-11-01')))]);
    try {
      const { gate } = await closedGate('alpen');
      expect(gate).toMatchObject({ reason: 'ADEQUACY_ENDED', country: 'CH', since: DAY('2026-11-01'), contract: null, action: { code: 'NEW_CONTRACT_REQUIRED' } });
    } finally {
      await hub.dataSource.query(SET, [null]);
    }
    await openGate('alpen');
  });
});
