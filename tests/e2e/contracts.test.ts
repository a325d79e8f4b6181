import { orgId, PERSONAS } from '../../seeds/personas';
import { ContractStatus } from '../../src/common/enums';
import { toGlobalId } from '../../src/common/global-id';
import { Contract } from '../../src/modules/contract/contract.entity';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, TestHub } from '../helpers/hub';
import { snapshot } from '../helpers/table-snapshot';

const CREATE = `mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id type status inForce distributor { name } } } }`;
const SIGN = `mutation($input: SignContractInput!) { signContract(input: $input) { contract { id status signedAt inForce } } }`;
const TERMINATE = `mutation($input: TerminateContractInput!) { terminateContract(input: $input) { contract { id status terminatedAt inForce } } }`;
const CUSTOMER_EMAILS = `{ customers(first: 5) { nodes { email users { nodes { email } } } } viewer { organization { transferBasis { allowed basis reason } } } }`;

describe(`data-transfer contracts: create, sign, terminate (VENDOR_ADMIN) (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;
  const gulf = toGlobalId('Organization', orgId('gulf'));

  beforeAll(async () => {
    hub = await TestHub.start('contracts');
    admin = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());

  const contractCount = () => hub.dataSource.getRepository(Contract).count();
  const NOW = new Date('2026-11-27T12:00:00.000Z');
  afterEach(() => {
    hub.now = new Date(NOW);
  });

  /** A signed SCC_2021 of a distributor, made through the API at the hub's instant. */
  async function signedScc(distributorId: string, documentRef: string): Promise<string> {
    const created = await admin.data(CREATE, { input: { distributorId, type: 'SCC_2021', effectiveFrom: '2026-11-01T00:00:00Z', documentRef } });
    const id = created.createContract.contract.id;
    await admin.data(SIGN, { input: { contractId: id, signedAt: '2026-11-20T10:00:00Z' } });
    return id;
  }

  it("opens gulf's gate on the request after the signature, and closes it on the request after termination", async () => {
    const gulfAdmin = await hub.as(PERSONAS.distributors.gulf.admin);
    const before = await gulfAdmin.gql(CUSTOMER_EMAILS);
    expect(before.body.data.viewer.organization.transferBasis.allowed).toBe(false);
    expect(codes(before)).toContain('TRANSFER_BASIS_REQUIRED');

    const created = await admin.data(CREATE, { input: { distributorId: gulf, type: 'SCC_2021', effectiveFrom: '2026-11-01T00:00:00Z', documentRef: 'C-GULF-2026' } });
    expect(created.createContract.contract).toMatchObject({ type: 'SCC_2021', status: 'DRAFT', inForce: false, distributor: { name: 'Gulf Vision FZE' } });
    const id = created.createContract.contract.id;
    expect((await gulfAdmin.gql(CUSTOMER_EMAILS)).body.data.viewer.organization.transferBasis.allowed).toBe(false);

    const signed = await admin.data(SIGN, { input: { contractId: id, signedAt: '2026-11-20T10:00:00Z' } });
    expect(signed.signContract.contract).toMatchObject({ status: 'SIGNED', signedAt: '2026-11-20T10:00:00.000Z', inForce: true });
    const open = await gulfAdmin.gql(CUSTOMER_EMAILS);
    expect(open.body.errors).toBeUndefined();
    expect(open.body.data.viewer.organization.transferBasis).toMatchObject({ allowed: true, basis: 'SCC_2021' });
    expect(open.body.data.customers.nodes[0].email).toMatch(/@gulf-c\d\.example$/);

    const terminated = await admin.data(TERMINATE, { input: { contractId: id, terminatedAt: '2026-11-27T11:00:00Z' } });
    expect(terminated.terminateContract.contract).toMatchObject({ status: 'TERMINATED', inForce: false });
    const closed = await gulfAdmin.gql(CUSTOMER_EMAILS);
    expect(closed.body.data.viewer.organization.transferBasis.allowed).toBe(false);
    expect(closed.body.data.customers.nodes[0].email).toBeNull();
    expect(codes(closed)).toContain('TRANSFER_BASIS_REQUIRED');

    const events = await admin.data(`query($s: ID!) { auditEvents(filter: { subjectId: $s }) { nodes { action requestId actorType } } }`, { s: id });
    expect(events.auditEvents.nodes.map((e: { action: string }) => e.action)).toEqual(['contract.terminated', 'contract.signed', 'contract.created']);
  });

  it("refuses a signature dated in the future (after the request's instant) with BAD_USER_INPUT naming input.signedAt, writing nothing; the gate stays closed", async () => {
    const { createContract } = await admin.data(CREATE, { input: { distributorId: gulf, type: 'SCC_2021', effectiveFrom: '2026-11-01T00:00:00Z', documentRef: 'C-GULF-FUTURE' } });
    const id = createContract.contract.id;
    const before = await snapshot(hub.dataSource);
    for (const signedAt of ['2026-11-27T12:00:00.001Z', '2026-12-01T00:00:00Z', '2099-01-01T00:00:00Z']) {
      const r = await admin.gql(SIGN, { input: { contractId: id, signedAt } });
      expect(`${signedAt}: ${codes(r)}`).toBe(`${signedAt}: BAD_USER_INPUT`);
      expect(r.body.errors![0].extensions!.field).toBe('input.signedAt');
      expect(r.body.errors![0].message).toMatch(/^input\.signedAt: must not be in the future/);
      expect(r.body.data).toEqual({ signContract: null });
    }
    expect(await snapshot(hub.dataSource)).toEqual(before);
    const gulfAdmin = await hub.as(PERSONAS.distributors.gulf.admin);
    const closed = await gulfAdmin.gql(CUSTOMER_EMAILS);
    expect(closed.body.data.viewer.organization.transferBasis.allowed).toBe(false);
    expect(codes(closed)).toContain('TRANSFER_BASIS_REQUIRED');
    // The request's instant itself is not the future.
    const signed = await admin.data(SIGN, { input: { contractId: id, signedAt: NOW.toISOString() } });
    expect(signed.signContract.contract).toMatchObject({ status: 'SIGNED', signedAt: NOW.toISOString(), inForce: true });
    await admin.data(TERMINATE, { input: { contractId: id, terminatedAt: NOW.toISOString() } });
  });

  it("a future-dated termination is scheduled: admin@andes.example reads its customers' e-mails until that instant and gets TRANSFER_BASIS_REQUIRED from it on; status, inForce, terminatedAt and the filter agree at each instant", async () => {
    const andes = toGlobalId('Organization', orgId('andes'));
    const id = await signedScc(andes, 'C-ANDES-2026');
    const AT = '2026-12-15T00:00:00.000Z';
    const STATE = `query($d: ID!) { contracts(filter: { distributorId: $d }, first: 10) { nodes { id status terminatedAt inForce } } yes: contracts(filter: { distributorId: $d, inForce: true }, first: 10) { nodes { id } } no: contracts(filter: { distributorId: $d, inForce: false }, first: 10) { nodes { id } } }`;
    const stateAt = async (instant: string) => {
      hub.now = new Date(instant);
      const data = await (await hub.as(PERSONAS.vendorAdmin)).data(STATE, { d: andes });
      const mine = data.contracts.nodes.find((c: { id: string }) => c.id === id);
      return { ...mine, byFilter: data.yes.nodes.some((c: { id: string }) => c.id === id) ? 'inForce' : data.no.nodes.some((c: { id: string }) => c.id === id) ? 'notInForce' : 'neither' };
    };
    const gateAt = async (instant: string) => {
      hub.now = new Date(instant);
      return (await hub.as(PERSONAS.distributors.andes.admin)).gql(CUSTOMER_EMAILS);
    };

    const scheduled = await admin.data(TERMINATE, { input: { contractId: id, terminatedAt: AT } });
    expect(scheduled.terminateContract.contract).toEqual({ id, status: 'SIGNED', terminatedAt: AT, inForce: true });
    const stored = await hub.dataSource.getRepository(Contract).findOneByOrFail({ distributorId: orgId('andes'), documentRef: 'C-ANDES-2026' });
    expect(stored.status).toBe('SIGNED');
    expect(stored.terminatedAt?.toISOString()).toBe(AT);
    // The decision says until when it holds: the scheduled termination.
    const basis = await admin.data(`query($id: ID!) { organization(id: $id) { transferBasis { allowed validUntil } } }`, { id: andes });
    expect(basis.organization.transferBasis).toEqual({ allowed: true, validUntil: AT });

    for (const instant of [NOW.toISOString(), '2026-12-14T23:59:59.999Z']) {
      expect(await stateAt(instant)).toEqual({ id, status: 'SIGNED', terminatedAt: AT, inForce: true, byFilter: 'inForce' });
      const open = await gateAt(instant);
      expect(open.body.errors).toBeUndefined();
      expect(open.body.data.viewer.organization.transferBasis).toMatchObject({ allowed: true, basis: 'SCC_2021' });
      expect(open.body.data.customers.nodes.flatMap((c: { users: { nodes: { email: string }[] } }) => c.users.nodes.map((u) => u.email))).toEqual(
        expect.arrayContaining([expect.stringMatching(/@andes-c1\.example$/), expect.stringMatching(/@andes-c2\.example$/)]),
      );
    }
    for (const instant of [AT, '2027-06-01T00:00:00.000Z']) {
      expect(await stateAt(instant)).toEqual({ id, status: 'TERMINATED', terminatedAt: AT, inForce: false, byFilter: 'notInForce' });
      const closed = await gateAt(instant);
      expect(closed.body.data.viewer.organization.transferBasis.allowed).toBe(false);
      expect(closed.body.data.viewer.organization.transferBasis.reason).toMatch(/CL: SCC_2021 contract C-ANDES-2026 terminated 2026-12-15/);
      expect(closed.body.data.customers.nodes.every((c: { email: string | null }) => c.email === null)).toBe(true);
      expect(codes(closed)).toContain('TRANSFER_BASIS_REQUIRED');
      expect(JSON.stringify(closed.body)).not.toMatch(/@andes-c[12]\.example/);
    }
    // Once it has taken effect, the termination is final.
    hub.now = new Date(AT);
    const again = await (await hub.as(PERSONAS.vendorAdmin)).gql(TERMINATE, { input: { contractId: id, terminatedAt: '2026-12-10T00:00:00Z' } });
    expect(codes(again)).toEqual(['CONFLICT']);
    expect(again.body.errors![0].extensions!.rule).toBe('contract.terminated_is_final');
  });

  it('a scheduled termination can be brought forward, never postponed (CONFLICT naming the rule)', async () => {
    const andes = toGlobalId('Organization', orgId('andes'));
    const id = await signedScc(andes, 'C-ANDES-2026B');
    await admin.data(TERMINATE, { input: { contractId: id, terminatedAt: '2027-03-01T00:00:00Z' } });
    for (const later of ['2027-03-01T00:00:00Z', '2027-06-01T00:00:00Z']) {
      const r = await admin.gql(TERMINATE, { input: { contractId: id, terminatedAt: later } });
      expect(codes(r)).toEqual(['CONFLICT']);
      expect(r.body.errors![0].extensions!.rule).toBe('contract.termination_scheduled');
    }
    const sooner = await admin.data(TERMINATE, { input: { contractId: id, terminatedAt: '2027-01-01T00:00:00Z' } });
    expect(sooner.terminateContract.contract).toMatchObject({ status: 'SIGNED', terminatedAt: '2027-01-01T00:00:00.000Z', inForce: true });
    const now = await admin.data(TERMINATE, { input: { contractId: id, terminatedAt: '2026-11-27T11:00:00Z' } });
    expect(now.terminateContract.contract).toMatchObject({ status: 'TERMINATED', terminatedAt: '2026-11-27T11:00:00.000Z', inForce: false });
    const events = await admin.data(`query($s: ID!) { auditEvents(filter: { subjectId: $s }) { nodes { action } } }`, { s: id });
    expect(events.auditEvents.nodes.map((e: { action: string }) => e.action)).toEqual(['contract.terminated', 'contract.terminated', 'contract.terminated', 'contract.signed', 'contract.created']);

    // A row an earlier version stored TERMINATED with a future terminatedAt reads as scheduled, and is brought forward the same way.
    const legacy = await signedScc(andes, 'C-ANDES-2026C');
    await hub.dataSource.getRepository(Contract).update({ documentRef: 'C-ANDES-2026C' }, { status: ContractStatus.TERMINATED, terminatedAt: new Date('2027-03-01T00:00:00.000Z') });
    const read = await admin.data(`query($id: ID!) { node(id: $id) { ... on Contract { status inForce terminatedAt } } }`, { id: legacy });
    expect(read.node).toEqual({ status: 'SIGNED', inForce: true, terminatedAt: '2027-03-01T00:00:00.000Z' });
    expect(codes(await admin.gql(TERMINATE, { input: { contractId: legacy, terminatedAt: '2027-04-01T00:00:00Z' } }))).toEqual(['CONFLICT']);
    const forward = await admin.data(TERMINATE, { input: { contractId: legacy, terminatedAt: '2027-01-01T00:00:00Z' } });
    expect(forward.terminateContract.contract).toMatchObject({ status: 'SIGNED', terminatedAt: '2027-01-01T00:00:00.000Z', inForce: true });
  });

  it('refuses a new contract of a type past its legal cut-off (transfer_mechanism) with BAD_USER_INPUT naming input.type; its past term can still be recorded', async () => {
    const bosphorus = toGlobalId('Organization', orgId('bosphorus'));
    const oldglory = toGlobalId('Organization', orgId('oldglory'));
    const liberty = toGlobalId('Organization', orgId('liberty'));
    const n = await contractCount();
    const cases: [Record<string, string>, RegExp][] = [
      [{ distributorId: bosphorus, type: 'SCC_2010', effectiveFrom: '2022-12-27T00:00:00Z' }, /SCC_2010 is no longer a valid transfer basis since 2022-12-27/],
      [{ distributorId: bosphorus, type: 'SCC_2010', effectiveFrom: '2026-12-01T00:00:00Z' }, /since 2022-12-27/],
      [{ distributorId: oldglory, type: 'PRIVACY_SHIELD', effectiveFrom: '2020-07-16T00:00:00Z' }, /PRIVACY_SHIELD is no longer a valid transfer basis since 2020-07-16/],
      [{ distributorId: oldglory, type: 'PRIVACY_SHIELD', effectiveFrom: '2026-01-01T00:00:00Z' }, /since 2020-07-16/],
      [{ distributorId: liberty, type: 'DPF_CERTIFICATION', effectiveFrom: '2022-07-10T00:00:00Z', expiresAt: '2023-07-10T00:00:00Z' }, /only from 2023-07-10/],
    ];
    for (const [input, message] of cases) {
      const r = await admin.gql(CREATE, { input });
      expect(`${input.type} ${input.effectiveFrom}: ${codes(r)} ${r.body.errors?.[0].extensions?.field}`).toBe(`${input.type} ${input.effectiveFrom}: BAD_USER_INPUT input.type`);
      expect(r.body.errors![0].message).toMatch(/^input\.type: /);
      expect(r.body.errors![0].message).toMatch(message);
      expect(r.body.data).toEqual({ createContract: null });
    }
    expect(await contractCount()).toBe(n);
    // The millisecond before the cut-off is a term that was in force: it can be recorded.
    const old = await admin.data(CREATE, { input: { distributorId: bosphorus, type: 'SCC_2010', effectiveFrom: '2022-12-26T23:59:59.999Z', documentRef: 'C-BOSPHORUS-OLD' } });
    expect(old.createContract.contract).toMatchObject({ type: 'SCC_2010', status: 'DRAFT', inForce: false });
    expect(await contractCount()).toBe(n + 1);
  });

  it('refuses to sign a contract that is not a DRAFT, and to terminate one twice, with CONFLICT', async () => {
    const { createContract } = await admin.data(CREATE, { input: { distributorId: gulf, type: 'DPA', effectiveFrom: '2026-01-01T00:00:00Z' } });
    const id = createContract.contract.id;
    const early = await admin.gql(TERMINATE, { input: { contractId: id, terminatedAt: '2026-11-01T00:00:00Z' } });
    expect(codes(early)).toEqual(['CONFLICT']);
    expect(early.body.errors![0].message).toMatch(/only a SIGNED contract/);
    await admin.data(SIGN, { input: { contractId: id, signedAt: '2026-02-01T00:00:00Z' } });
    const again = await admin.gql(SIGN, { input: { contractId: id, signedAt: '2026-02-02T00:00:00Z' } });
    expect(codes(again)).toEqual(['CONFLICT']);
    expect(again.body.errors![0].message).toMatch(/only a DRAFT contract can be signed \(this one is SIGNED\)/);
    const beforeSignature = await admin.gql(TERMINATE, { input: { contractId: id, terminatedAt: '2026-01-15T00:00:00Z' } });
    expect(codes(beforeSignature)).toEqual(['BAD_USER_INPUT']);
    expect(beforeSignature.body.errors![0].extensions!.field).toBe('input.terminatedAt');
    await admin.data(TERMINATE, { input: { contractId: id, terminatedAt: '2026-03-01T00:00:00Z' } });
    const twice = await admin.gql(TERMINATE, { input: { contractId: id, terminatedAt: '2026-04-01T00:00:00Z' } });
    expect(codes(twice)).toEqual(['CONFLICT']);
    const resign = await admin.gql(SIGN, { input: { contractId: id, signedAt: '2026-05-01T00:00:00Z' } });
    expect(codes(resign)).toEqual(['CONFLICT']);
  });

  it('names the field of bad input and writes nothing', async () => {
    const n = await contractCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ distributorId: gulf, type: 'SCC_2021', effectiveFrom: '2026-06-01T00:00:00Z', expiresAt: '2026-05-01T00:00:00Z' }, 'input.expiresAt'],
      [{ distributorId: gulf, type: 'DPF_CERTIFICATION', effectiveFrom: '2026-06-01T00:00:00Z' }, 'input.expiresAt'],
      [{ distributorId: gulf, type: 'SCC_2021', effectiveFrom: '2026-06-01T00:00:00Z', documentRef: 'x'.repeat(121) }, 'input.documentRef'],
      [{ distributorId: toGlobalId('Organization', orgId('gulf-c1')), type: 'SCC_2021', effectiveFrom: '2026-06-01T00:00:00Z' }, 'input.distributorId'],
      [{ distributorId: toGlobalId('Contract', orgId('gulf')), type: 'SCC_2021', effectiveFrom: '2026-06-01T00:00:00Z' }, 'input.distributorId'],
    ];
    for (const [input, field] of cases) {
      const r = await admin.gql(CREATE, { input });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.body.errors![0].extensions!.field).toBe(field);
      expect(r.body.errors![0].message).toContain(field);
    }
    const unknown = await admin.gql(SIGN, { input: { contractId: toGlobalId('Contract', '019b76da-a800-7000-8000-000000000000'), signedAt: '2026-01-01T00:00:00Z' } });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expect(await contractCount()).toBe(n);
  });

  it('refuses contract mutations to everyone but VENDOR_ADMIN with FORBIDDEN, writing nothing', async () => {
    const n = await contractCount();
    const input = { distributorId: gulf, type: 'SCC_2021', effectiveFrom: '2026-06-01T00:00:00Z' };
    for (const email of [PERSONAS.vendorStaff, PERSONAS.privacyOfficer, PERSONAS.distributors.gulf.admin, 'admin@gulf-c1.example']) {
      const r = await (await hub.as(email)).gql(CREATE, { input });
      expect(`${email}: ${codes(r)}`).toBe(`${email}: FORBIDDEN`);
      expect(r.body.data).toEqual({ createContract: null });
    }
    const { secret } = await createApiKey(hub.dataSource, { org: 'mobotix', scopes: ['contracts:read', 'licenses:write'] });
    const key = await hub.withToken(secret).gql(CREATE, { input });
    expect(codes(key)).toEqual(['FORBIDDEN']);
    expect(await contractCount()).toBe(n);
  });
});
