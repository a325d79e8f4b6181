import { orgId, PERSONAS } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { Contract } from '../../src/modules/contract/contract.entity';
import { createApiKey } from '../helpers/api-keys';
import { Client, codes, TestHub } from '../helpers/hub';

const CREATE = `mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id type status inForce distributor { name } } } }`;
const SIGN = `mutation($input: SignContractInput!) { signContract(input: $input) { contract { id status signedAt inForce } } }`;
const TERMINATE = `mutation($input: TerminateContractInput!) { terminateContract(input: $input) { contract { id status terminatedAt inForce } } }`;
const CUSTOMER_EMAILS = `{ customers(first: 5) { nodes { email users { nodes { email } } } } viewer { organization { transferBasis { allowed basis reason } } } }`;

describe('data-transfer contracts: create, sign, terminate (VENDOR_ADMIN)', () => {
  let hub: TestHub;
  let admin: Client;
  const gulf = toGlobalId('Organization', orgId('gulf'));

  beforeAll(async () => {
    hub = await TestHub.start('contracts');
    admin = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());

  const contractCount = () => hub.dataSource.getRepository(Contract).count();

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
