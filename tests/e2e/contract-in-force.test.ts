import { orgId, PERSONAS } from '../../seeds/personas';
import { ContractStatus, ContractType } from '../../src/common/enums';
import { fromGlobalIdOf, toGlobalId } from '../../src/common/global-id';
import { newId } from '../../src/common/ids';
import { Contract } from '../../src/modules/contract/contract.entity';
import { TransferMechanism } from '../../src/modules/jurisdiction/jurisdiction.entity';
import { ON_MYSQL } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';

/**
 * One definition of "in force" (jurisdictions.md; src/policy/transfer-gate.ts contractInForce):
 * the `contracts(filter: { inForce })` SQL, the `Contract.inForce` field and the transfer gate
 * give the same answer for every contract, at the millisecond before and the instant of every
 * date that matters (each contract's signature, start, expiry and termination, and each type's
 * legal cut-off in transfer_mechanism).
 */

const NOW = new Date('2026-11-27T12:00:00.000Z');
const D = (s: string) => new Date(s.length === 10 ? `${s}T00:00:00.000Z` : s);

const STATE = `{
  contracts(first: 100) { totalCount nodes { id documentRef status inForce distributor { id transferBasis { allowed } } } }
  yes: contracts(filter: { inForce: true }, first: 100) { totalCount nodes { id } }
  no: contracts(filter: { inForce: false }, first: 100) { totalCount nodes { id } }
}`;

interface Row {
  id: string;
  documentRef: string;
  status: string;
  inForce: boolean;
  distributor: { id: string; transferBasis: { allowed: boolean } };
}

describe(`"in force": the filter, the field and the gate agree (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;

  beforeAll(async () => {
    hub = await TestHub.start('contract_in_force');
    admin = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());

  /** A distributor of its own (a third country, no other contract), and one contract row written as given. */
  async function distributorWith(country: string, name: string, row: Partial<Contract>): Promise<void> {
    const made = await admin.data(`mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }`, {
      input: { kind: 'DISTRIBUTOR', name, country },
    });
    const distributorId = fromGlobalIdOf('Organization', made.createOrganization.organization.id)!;
    await hub.dataSource.getRepository(Contract).insert({
      id: newId(NOW),
      distributorId,
      expiresAt: null,
      terminatedAt: null,
      createdAt: NOW,
      ...row,
    });
  }

  it('for the 8 seed contracts and rows written by earlier versions (future signature, future termination stored TERMINATED, a type past its cut-off), at every boundary', async () => {
    // Rows the API now refuses or writes differently, as the old code wrote them.
    await distributorWith('MX', 'Legacy Termination SA', {
      type: ContractType.SCC_2021,
      status: ContractStatus.TERMINATED,
      signedAt: D('2026-01-01'),
      effectiveFrom: D('2026-01-01'),
      terminatedAt: D('2027-02-01'),
      documentRef: 'L-TERMINATED-AHEAD',
    });
    await distributorWith('ZA', 'Legacy Signature Pty', {
      type: ContractType.SCC_2021,
      status: ContractStatus.SIGNED,
      signedAt: D('2026-12-20'),
      effectiveFrom: D('2026-01-01'),
      documentRef: 'L-SIGNED-AHEAD',
    });
    await distributorWith('KE', 'Scheduled End Ltd', {
      type: ContractType.DPA,
      status: ContractStatus.SIGNED,
      signedAt: D('2025-03-01'),
      effectiveFrom: D('2025-03-01'),
      terminatedAt: D('2027-01-15'),
      documentRef: 'L-SCHEDULED',
    });
    await distributorWith('NG', 'Late Old Clauses Ltd', {
      type: ContractType.SCC_2010,
      status: ContractStatus.SIGNED,
      signedAt: D('2023-03-01'),
      effectiveFrom: D('2023-03-01'),
      documentRef: 'L-SCC2010-LATE',
    });
    await distributorWith('US', 'Late Shield Inc.', {
      type: ContractType.PRIVACY_SHIELD,
      status: ContractStatus.SIGNED,
      signedAt: D('2021-01-01'),
      effectiveFrom: D('2021-01-01'),
      documentRef: 'L-SHIELD-LATE',
    });

    // Every date that matters, from the data itself: the contracts' and the mechanisms'.
    const contracts = await hub.dataSource.getRepository(Contract).find();
    const mechanisms = await hub.dataSource.getRepository(TransferMechanism).find();
    expect(contracts).toHaveLength(13);
    const dates = new Set<number>([NOW.getTime()]);
    for (const c of contracts) for (const d of [c.signedAt, c.effectiveFrom, c.expiresAt, c.terminatedAt]) if (d) dates.add(d.getTime());
    for (const m of mechanisms) for (const d of [m.validFrom, m.validUntil]) if (d) dates.add(d.getTime());
    for (const cutOff of ['2020-07-16', '2022-12-27', '2023-07-10']) expect(dates.has(D(cutOff).getTime())).toBe(true);
    const instants = [...dates].sort((a, b) => a - b).flatMap((t) => [new Date(t - 1), new Date(t)]);
    expect(instants.length).toBeGreaterThan(40);

    // A distributor with one contract, in a country that needs a basis (all but none here).
    const single = new Map<string, number>();
    for (const c of contracts) single.set(c.distributorId, (single.get(c.distributorId) ?? 0) + 1);

    const inForceAt = new Map<string, string[]>();
    for (const at of instants) {
      hub.now = at;
      const data = await (await hub.as(PERSONAS.vendorAdmin)).data(STATE);
      const rows: Row[] = data.contracts.nodes;
      expect(rows).toHaveLength(13);
      const yes = new Set(data.yes.nodes.map((n: { id: string }) => n.id));
      const no = new Set(data.no.nodes.map((n: { id: string }) => n.id));
      expect(data.yes.totalCount + data.no.totalCount).toBe(13);
      for (const r of rows) {
        const instant = at.toISOString();
        const filter = yes.has(r.id) && !no.has(r.id) ? true : no.has(r.id) && !yes.has(r.id) ? false : 'both or neither';
        expect({ instant, contract: r.documentRef, filter }).toEqual({ instant, contract: r.documentRef, filter: r.inForce });
        const distributorId = fromGlobalIdOf('Organization', r.distributor.id)!;
        expect(single.get(distributorId)).toBe(1);
        expect({ instant, contract: r.documentRef, gate: r.distributor.transferBasis.allowed }).toEqual({ instant, contract: r.documentRef, gate: r.inForce });
        if (r.inForce) expect({ instant, contract: r.documentRef, status: r.status }).toEqual({ instant, contract: r.documentRef, status: 'SIGNED' });
      }
      inForceAt.set(
        at.toISOString(),
        rows
          .filter((r) => r.inForce)
          .map((r) => r.documentRef)
          .sort(),
      );
    }
    hub.now = new Date(NOW);

    // What the law says, at instants where it is plain.
    expect(inForceAt.get(NOW.toISOString())).toEqual(['C-LIBERTY-2024', 'C-LIONCITY-2024', 'C-VIGILANCIA-2023', 'L-SCHEDULED', 'L-TERMINATED-AHEAD']);
    expect(inForceAt.get('2020-07-15T23:59:59.999Z')).toContain('C-OLDGLORY-2017');
    expect(inForceAt.get('2020-07-16T00:00:00.000Z')).not.toContain('C-OLDGLORY-2017');
    expect(inForceAt.get('2022-12-26T23:59:59.999Z')).toContain('C-BOSPHORUS-2019');
    expect(inForceAt.get('2022-12-27T00:00:00.000Z')).not.toContain('C-BOSPHORUS-2019');
    expect(inForceAt.get('2026-12-19T23:59:59.999Z')).not.toContain('L-SIGNED-AHEAD');
    expect(inForceAt.get('2026-12-20T00:00:00.000Z')).toContain('L-SIGNED-AHEAD');
    expect(inForceAt.get('2027-01-14T23:59:59.999Z')).toContain('L-SCHEDULED');
    expect(inForceAt.get('2027-01-15T00:00:00.000Z')).not.toContain('L-SCHEDULED');
    expect(inForceAt.get('2027-02-01T00:00:00.000Z')).not.toContain('L-TERMINATED-AHEAD');
    for (const refs of inForceAt.values()) {
      expect(refs).not.toContain('L-SCC2010-LATE');
      expect(refs).not.toContain('L-SHIELD-LATE');
    }
  });

  it("follows the operator: moving SCC_2010's cut-off in transfer_mechanism moves the field, the filter and the gate together", async () => {
    const ask = async () => {
      const data = await (
        await hub.as(PERSONAS.vendorAdmin)
      ).data(
        `query($d: ID!) { contracts(filter: { distributorId: $d }, first: 5) { nodes { inForce distributor { transferBasis { allowed } } } } yes: contracts(filter: { distributorId: $d, inForce: true }, first: 5) { totalCount } }`,
        { d: toGlobalId('Organization', orgId('bosphorus')) },
      );
      return { field: data.contracts.nodes[0].inForce, gate: data.contracts.nodes[0].distributor.transferBasis.allowed, filter: data.yes.totalCount === 1 };
    };
    expect(await ask()).toEqual({ field: false, gate: false, filter: false });
    const SET = "UPDATE `transfer_mechanism` SET validUntil = ? WHERE type = 'SCC_2010'";
    await hub.dataSource.query(SET, ['2030-01-01 00:00:00.000']);
    try {
      expect(await ask()).toEqual({ field: true, gate: true, filter: true });
    } finally {
      await hub.dataSource.query(SET, ['2022-12-27 00:00:00.000']);
    }
    expect(await ask()).toEqual({ field: false, gate: false, filter: false });
  });
});
