import fs from 'node:fs';
import { ContractStatus, ContractType, TransferBasis } from '../../src/common/enums';
import { Contract } from '../../src/modules/contract/contract.entity';
import { jurisdictionSeedPath } from '../../src/modules/jurisdiction/jurisdiction.service';
import {
  contractInForce,
  contractStatusAt,
  decideTransfer,
  DenialDateKind,
  GateContract,
  GateDistributor,
  JurisdictionData,
  jurisdictionDataFromJson,
  TransferDenialReason,
} from '../../src/policy/transfer-gate';

const { SCC_2021, SCC_2010, DPA, DPF_CERTIFICATION, PRIVACY_SHIELD } = ContractType;
const { SIGNED, DRAFT, TERMINATED } = ContractStatus;

/** "YYYY-MM-DD" is 00:00:00Z of that day; anything longer is an ISO instant. */
const T = (s: string): Date => new Date(s.length === 10 ? `${s}T00:00:00.000Z` : s);
/** The millisecond before. */
const justBefore = (s: string): Date => new Date(T(s).getTime() - 1);

const SEED_DATA: JurisdictionData = jurisdictionDataFromJson(JSON.parse(fs.readFileSync(jurisdictionSeedPath(__dirname), 'utf8')));
const data = (): JurisdictionData => structuredClone(SEED_DATA);

// The tables of docs/transfer-gate.md, written out again so that the data file is checked against them.
const EU27 = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' ');
const EEA_BEYOND_EU = ['IS', 'LI', 'NO'];
const ADEQUACY: [country: string, legalAct: string, decided: string][] = [
  ['CH', '2000/518/EC', '2000-07-26'],
  ['CA', '2002/2/EC', '2001-12-20'],
  ['AR', '2003/490/EC', '2003-06-30'],
  ['GG', '2003/821/EC', '2003-11-21'],
  ['IM', '2004/411/EC', '2004-04-28'],
  ['JE', '2008/393/EC', '2008-05-08'],
  ['FO', '2010/146/EU', '2010-03-05'],
  ['AD', '2010/625/EU', '2010-10-19'],
  ['IL', '2011/61/EU', '2011-01-31'],
  ['UY', '2012/484/EU', '2012-08-21'],
  ['NZ', '2013/65/EU', '2012-12-19'],
  ['JP', '(EU) 2019/419', '2019-01-23'],
  ['GB', '(EU) 2021/1772, renewed 2025', '2021-06-28'],
  ['KR', '(EU) 2022/254', '2021-12-17'],
  ['US', '(EU) 2023/1795', '2023-07-10'],
];
const ADEQUACY_WITHOUT_CONDITION = ADEQUACY.filter(([c]) => c !== 'US');
const THIRD_COUNTRIES = ['BR', 'IN', 'SG', 'AE', 'TR', 'CL', 'CN', 'ZA'];

const NOW = T('2026-11-27T10:00:00.000Z');

function distributor(country: string, processingCountries: string[] = [country]): GateDistributor {
  return { id: `dist-${country}`, name: `Distributor ${country}`, country, processingCountries };
}

let serial = 0;
function contract(type: ContractType, fields: Partial<GateContract> = {}): GateContract {
  serial += 1;
  return {
    id: `contract-${serial}`,
    type,
    status: SIGNED,
    signedAt: T('2020-01-01'),
    effectiveFrom: T('2020-01-01'),
    expiresAt: null,
    terminatedAt: null,
    documentRef: `REF-${serial}`,
    ...fields,
  };
}

function rule(d: JurisdictionData, country: string, regime: 'EEA' | 'ADEQUACY') {
  const found = d.rules.find((r) => r.country === country && r.regime === regime);
  if (!found) throw new Error(`no ${regime} rule for ${country}`);
  return found;
}

function mechanism(d: JurisdictionData, type: string) {
  const found = d.mechanisms.find((m) => m.type === type);
  if (!found) throw new Error(`no mechanism ${type}`);
  return found;
}

describe('seeds/jurisdictions.json holds the facts of docs/transfer-gate.md', () => {
  it('lists exactly the EU 27 and IS, LI, NO as EEA, open-ended and unconditional', () => {
    const eea = SEED_DATA.rules.filter((r) => r.regime === 'EEA');
    expect(eea.map((r) => r.country).sort()).toEqual([...EU27, ...EEA_BEYOND_EU].sort());
    for (const r of eea) {
      expect(r.validUntil).toBeNull();
      expect(r.requiresContractType).toBeNull();
      expect(r.validFrom.getTime()).toBeGreaterThanOrEqual(T('1994-01-01').getTime());
    }
  });

  it('dates EEA membership from 1994-01-01 or the later accession', () => {
    const from = (c: string) => rule(SEED_DATA, c, 'EEA').validFrom;
    expect(from('DE')).toEqual(T('1994-01-01'));
    expect(from('AT')).toEqual(T('1994-01-01'));
    expect(from('PL')).toEqual(T('2004-05-01'));
    expect(from('RO')).toEqual(T('2007-01-01'));
    expect(from('HR')).toEqual(T('2013-07-01'));
    expect(from('LI')).toEqual(T('1995-05-01'));
  });

  it('lists exactly the fifteen adequacy decisions', () => {
    const adequacy = SEED_DATA.rules.filter((r) => r.regime === 'ADEQUACY');
    expect(adequacy.map((r) => r.country).sort()).toEqual(ADEQUACY.map(([c]) => c).sort());
  });

  it.each(ADEQUACY)('records the adequacy decision for %s as %s of %s, with no end', (country, legalAct, decided) => {
    const r = rule(SEED_DATA, country, 'ADEQUACY');
    expect(r.legalAct).toBe(legalAct);
    expect(r.validFrom).toEqual(T(decided));
    expect(r.validUntil).toBeNull();
    expect(r.requiresContractType).toBe(country === 'US' ? 'DPF_CERTIFICATION' : null);
  });

  it('records what each contract type covers and the window of its clauses', () => {
    const view = (type: string) => {
      const m = mechanism(SEED_DATA, type);
      return { covers: m.covers, validFrom: m.validFrom, validUntil: m.validUntil };
    };
    expect(SEED_DATA.mechanisms.map((m) => m.type).sort()).toEqual([DPA, DPF_CERTIFICATION, PRIVACY_SHIELD, SCC_2010, SCC_2021].sort());
    expect(view(SCC_2021)).toEqual({ covers: '*', validFrom: null, validUntil: null });
    expect(view(SCC_2010)).toEqual({ covers: '*', validFrom: null, validUntil: T('2022-12-27') });
    expect(view(DPA)).toEqual({ covers: '*', validFrom: null, validUntil: null });
    expect(view(DPF_CERTIFICATION)).toEqual({ covers: ['US'], validFrom: T('2023-07-10'), validUntil: null });
    expect(view(PRIVACY_SHIELD)).toEqual({ covers: ['US'], validFrom: null, validUntil: T('2020-07-16') });
    expect(mechanism(SEED_DATA, PRIVACY_SHIELD).legalAct).toContain('C-311/18');
  });
});

describe('jurisdictionDataFromJson', () => {
  const minimal = {
    rules: [{ country: 'ch', regime: 'ADEQUACY', legalAct: 'x', validFrom: '2000-07-26', validUntil: '2030-01-01', requiresContractType: null }],
    mechanisms: [{ type: 'SCC_2021', covers: ' us, gb ', legalAct: null, validFrom: null, validUntil: null }],
  };

  it('reads dates as 00:00:00Z of the day, and codes in upper case', () => {
    const d = jurisdictionDataFromJson(minimal);
    expect(d.rules[0].country).toBe('CH');
    expect(d.rules[0].validFrom.toISOString()).toBe('2000-07-26T00:00:00.000Z');
    expect(d.rules[0].validUntil?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(d.mechanisms[0].covers).toEqual(['US', 'GB']);
  });

  it.each([
    ['a missing rules array', { mechanisms: [] }],
    ['an unknown regime', { ...minimal, rules: [{ ...minimal.rules[0], regime: 'EFTA' }] }],
    ['a date that is not YYYY-MM-DD', { ...minimal, rules: [{ ...minimal.rules[0], validFrom: '26.07.2000' }] }],
    ['a day that does not exist', { ...minimal, rules: [{ ...minimal.rules[0], validFrom: '2023-02-30' }] }],
    ['a rule without validFrom', { ...minimal, rules: [{ ...minimal.rules[0], validFrom: null }] }],
    ['a country that is not alpha-2', { ...minimal, rules: [{ ...minimal.rules[0], country: 'CHE' }] }],
    ['a mechanism covering nothing', { ...minimal, mechanisms: [{ ...minimal.mechanisms[0], covers: '' }] }],
  ])('rejects %s', (_what, json) => {
    expect(() => jurisdictionDataFromJson(json)).toThrow(/jurisdictions/);
  });
});

describe('contractInForce', () => {
  const M = SEED_DATA.mechanisms;
  const base = { effectiveFrom: T('2024-01-01'), expiresAt: T('2026-01-01'), terminatedAt: T('2025-07-01') };

  it('holds for a SIGNED contract with a signature date inside its dates', () => {
    expect(contractInForce(contract(SCC_2021, base), M, T('2025-03-01'))).toBe(true);
  });
  it('does not hold the millisecond before effectiveFrom, and holds at the instant of effectiveFrom', () => {
    expect(contractInForce(contract(SCC_2021, base), M, justBefore('2024-01-01'))).toBe(false);
    expect(contractInForce(contract(SCC_2021, base), M, T('2024-01-01'))).toBe(true);
  });
  it('holds the millisecond before expiresAt, and not at the instant of expiry', () => {
    const c = contract(SCC_2021, { ...base, terminatedAt: null });
    expect(contractInForce(c, M, justBefore('2026-01-01'))).toBe(true);
    expect(contractInForce(c, M, T('2026-01-01'))).toBe(false);
  });
  it('holds the millisecond before terminatedAt, and not at the instant of termination', () => {
    const c = contract(SCC_2021, base);
    expect(contractInForce(c, M, justBefore('2025-07-01'))).toBe(true);
    expect(contractInForce(c, M, T('2025-07-01'))).toBe(false);
  });
  it('holds without expiresAt or terminatedAt, indefinitely', () => {
    expect(contractInForce(contract(SCC_2021, { effectiveFrom: T('2024-01-01') }), M, T('2999-01-01'))).toBe(true);
  });
  it('does not hold for a DRAFT, whatever its dates', () => {
    expect(contractInForce(contract(SCC_2021, { status: DRAFT, signedAt: null }), M, NOW)).toBe(false);
    expect(contractInForce(contract(SCC_2021, { status: DRAFT }), M, NOW)).toBe(false);
  });
  it('reads a row stored TERMINATED by its terminatedAt (as a scheduled termination): in force before it, not from it on', () => {
    const c = contract(SCC_2021, { status: TERMINATED, terminatedAt: T('2099-01-01') });
    expect(contractInForce(c, M, NOW)).toBe(true);
    expect(contractInForce(c, M, justBefore('2099-01-01'))).toBe(true);
    expect(contractInForce(c, M, T('2099-01-01'))).toBe(false);
    expect(contractInForce(contract(SCC_2021, { status: TERMINATED, terminatedAt: null }), M, NOW)).toBe(false);
  });
  it('does not hold before its signature: a signature dated in the future counts only from that instant', () => {
    const c = contract(SCC_2021, { signedAt: T('2026-12-01'), effectiveFrom: T('2026-01-01') });
    expect(contractInForce(c, M, justBefore('2026-12-01'))).toBe(false);
    expect(contractInForce(c, M, T('2026-12-01'))).toBe(true);
  });
  it.each([
    [SCC_2010, '2019-04-01', null, '2022-12-27'],
    [PRIVACY_SHIELD, '2017-03-01', null, '2020-07-16'],
    [DPF_CERTIFICATION, '2023-01-01', '2023-07-10', null],
  ] as const)('holds for %s only inside the legal window of its type (transfer_mechanism)', (type, effective, from, until) => {
    const c = contract(type, { signedAt: T(effective), effectiveFrom: T(effective), expiresAt: T('2099-01-01') });
    if (from) {
      expect(contractInForce(c, M, justBefore(from))).toBe(false);
      expect(contractInForce(c, M, T(from))).toBe(true);
    }
    if (until) {
      expect(contractInForce(c, M, justBefore(until))).toBe(true);
      expect(contractInForce(c, M, T(until))).toBe(false);
    }
  });
  it('reads the cut-offs from the data: an operator moving a validUntil moves the answer', () => {
    const d = data();
    d.mechanisms.find((m) => m.type === SCC_2010)!.validUntil = T('2030-01-01');
    const c = contract(SCC_2010, { signedAt: T('2019-04-01'), effectiveFrom: T('2019-04-01') });
    expect(contractInForce(c, M, NOW)).toBe(false);
    expect(contractInForce(c, d.mechanisms, NOW)).toBe(true);
  });
  it('does not hold for a type without a mechanism on record', () => {
    expect(
      contractInForce(
        contract(DPA),
        M.filter((m) => m.type !== DPA),
        NOW,
      ),
    ).toBe(false);
  });
  it('does not hold for a SIGNED contract without signedAt', () => {
    expect(contractInForce(contract(SCC_2021, { signedAt: null }), M, NOW)).toBe(false);
  });
  it('does not hold at an invalid instant', () => {
    expect(contractInForce(contract(SCC_2021), M, new Date(NaN))).toBe(false);
  });
});

describe('contractStatusAt: the status shown is one function of the clock', () => {
  it('a scheduled termination (stored SIGNED, terminatedAt ahead): SIGNED until that instant, TERMINATED from it on', () => {
    const c = contract(SCC_2021, { terminatedAt: T('2026-12-31') });
    expect(contractStatusAt(c, NOW)).toBe(SIGNED);
    expect(contractStatusAt(c, justBefore('2026-12-31'))).toBe(SIGNED);
    expect(contractStatusAt(c, T('2026-12-31'))).toBe(TERMINATED);
  });
  it('a row stored TERMINATED reads by its terminatedAt; without one, TERMINATED always', () => {
    const c = contract(SCC_2021, { status: TERMINATED, terminatedAt: T('2024-09-30') });
    expect(contractStatusAt(c, justBefore('2024-09-30'))).toBe(SIGNED);
    expect(contractStatusAt(c, T('2024-09-30'))).toBe(TERMINATED);
    expect(contractStatusAt(contract(SCC_2021, { status: TERMINATED, terminatedAt: null }), T('2021-01-01'))).toBe(TERMINATED);
  });
  it('DRAFT before the signature, and a DRAFT stays DRAFT', () => {
    const c = contract(SCC_2021, { signedAt: T('2026-12-01') });
    expect(contractStatusAt(c, justBefore('2026-12-01'))).toBe(DRAFT);
    expect(contractStatusAt(c, T('2026-12-01'))).toBe(SIGNED);
    expect(contractStatusAt(contract(SCC_2021, { status: DRAFT, signedAt: null }), NOW)).toBe(DRAFT);
  });
  it('agrees with contractInForce: never in force unless SIGNED at that instant', () => {
    const cases = [
      contract(SCC_2021, { terminatedAt: T('2026-12-31') }),
      contract(SCC_2021, { status: TERMINATED, terminatedAt: T('2024-09-30') }),
      contract(SCC_2021, { signedAt: T('2026-12-01') }),
      contract(SCC_2021, { status: DRAFT, signedAt: null }),
    ];
    for (const c of cases) {
      for (const at of [T('2024-01-01'), justBefore('2024-09-30'), T('2024-09-30'), NOW, justBefore('2026-12-01'), T('2026-12-01'), T('2026-12-31')]) {
        if (contractInForce(c, SEED_DATA.mechanisms, at)) expect(contractStatusAt(c, at)).toBe(SIGNED);
      }
    }
  });
});

describe("the gate's contract test is contractInForce", () => {
  /** One contract per third country that only it can cover: the gate allows iff that contract is in force. */
  const single: [string, GateContract][] = [
    ['BR', contract(SCC_2021, { signedAt: T('2023-05-01'), effectiveFrom: T('2023-05-01'), terminatedAt: T('2026-12-31') })],
    ['IN', contract(SCC_2021, { signedAt: T('2022-01-10'), effectiveFrom: T('2022-01-10'), expiresAt: T('2026-01-01') })],
    ['TR', contract(SCC_2010, { signedAt: T('2019-04-01'), effectiveFrom: T('2019-04-01') })],
    ['US', contract(PRIVACY_SHIELD, { signedAt: T('2017-03-01'), effectiveFrom: T('2017-03-01') })],
    ['US', contract(DPF_CERTIFICATION, { signedAt: T('2023-01-01'), effectiveFrom: T('2023-01-01'), expiresAt: T('2099-01-01') })],
    ['SG', contract(DPA, { signedAt: T('2024-06-01'), effectiveFrom: T('2024-06-01') })],
    ['CL', contract(SCC_2021, { status: TERMINATED, signedAt: T('2023-01-01'), effectiveFrom: T('2023-01-01'), terminatedAt: T('2024-09-30') })],
    ['CL', contract(SCC_2021, { signedAt: T('2026-12-01'), effectiveFrom: T('2026-01-01') })],
  ];
  const boundaries = [
    '2017-03-01',
    '2019-04-01',
    '2020-07-16',
    '2022-01-10',
    '2022-12-27',
    '2023-01-01',
    '2023-05-01',
    '2023-07-10',
    '2024-06-01',
    '2024-09-30',
    '2026-01-01',
    '2026-12-01',
    '2026-12-31',
    '2099-01-01',
  ];
  const instants = boundaries.flatMap((d) => [justBefore(d), T(d)]);
  it.each(single)('%s: the decision is allowed exactly when the contract is in force, at every boundary', (country, c) => {
    for (const at of instants) {
      const decision = decideTransfer(distributor(country), [c], SEED_DATA, at);
      expect({ at: at.toISOString(), allowed: decision.allowed }).toEqual({ at: at.toISOString(), allowed: contractInForce(c, SEED_DATA.mechanisms, at) });
    }
  });
});

describe('decideTransfer: EU/EEA countries need no basis', () => {
  it.each([...EU27, ...EEA_BEYOND_EU])('allows a distributor in %s as EEA', (country) => {
    expect(decideTransfer(distributor(country), [], SEED_DATA, NOW)).toEqual({
      allowed: true,
      basis: TransferBasis.EEA,
      reason: `EEA (${country})`,
      contract: null,
      validUntil: null,
    });
  });

  it.each(SEED_DATA.rules.filter((r) => r.regime === 'EEA' && r.validFrom > T('1994-01-01')).map((r) => [r.country, r.validFrom.toISOString().slice(0, 10)]))(
    'treats %s as a third country the millisecond before its EEA membership (%s) and as EEA at that instant',
    (country, from) => {
      const before = decideTransfer(distributor(country), [], SEED_DATA, justBefore(from));
      expect(before.allowed).toBe(false);
      expect(before.reason).toBe(`${country}: EEA membership only from ${from}; no SCC_2021, DPA or SCC_2010 contract in force`);
      expect(decideTransfer(distributor(country), [], SEED_DATA, T(from)).basis).toBe(TransferBasis.EEA);
    },
  );

  it('reports no contract for an EEA distributor that also holds one', () => {
    const decision = decideTransfer(distributor('DE'), [contract(SCC_2021)], SEED_DATA, NOW);
    expect(decision).toMatchObject({ allowed: true, basis: TransferBasis.EEA, contract: null });
  });

  it('lists every EEA country in the reason, sorted', () => {
    expect(decideTransfer(distributor('NL', ['FR', 'DE']), [], SEED_DATA, NOW).reason).toBe('EEA (DE, FR, NL)');
  });

  it('honours an end configured on an EEA rule (a country leaving)', () => {
    const d = data();
    rule(d, 'FR', 'EEA').validUntil = T('2030-01-01');
    expect(decideTransfer(distributor('FR'), [], d, justBefore('2030-01-01'))).toMatchObject({ allowed: true, validUntil: T('2030-01-01') });
    expect(decideTransfer(distributor('FR'), [], d, T('2030-01-01')).reason).toBe('FR: EEA membership ended 2030-01-01; no SCC_2021 or DPA contract in force');
  });
});

describe('decideTransfer: adequacy decisions', () => {
  it.each(ADEQUACY_WITHOUT_CONDITION)('allows a distributor in %s (%s) from the instant of the decision, %s', (country, _act, decided) => {
    expect(decideTransfer(distributor(country), [], SEED_DATA, T(decided))).toEqual({
      allowed: true,
      basis: TransferBasis.ADEQUACY,
      reason: `ADEQUACY (${country})`,
      contract: null,
      validUntil: null,
    });
    expect(decideTransfer(distributor(country), [], SEED_DATA, NOW).basis).toBe(TransferBasis.ADEQUACY);
  });

  it.each(ADEQUACY_WITHOUT_CONDITION)('denies a distributor in %s without a contract the millisecond before decision %s of %s', (country, act, decided) => {
    const decision = decideTransfer(distributor(country), [], SEED_DATA, justBefore(decided));
    expect(decision).toMatchObject({ allowed: false, basis: TransferBasis.NONE, contract: null, validUntil: null });
    expect(decision.reason).toMatch(new RegExp(`^${country}: adequacy decision ${act.replace(/[()]/g, '\\$&')} only from ${decided}; no `));
  });

  it.each(ADEQUACY_WITHOUT_CONDITION)('lets an SCC cover %s the millisecond before its adequacy decision', (country, _act, decided) => {
    const scc = contract(SCC_2021, { effectiveFrom: T('1990-01-01'), signedAt: T('1990-01-01') });
    expect(decideTransfer(distributor(country), [scc], SEED_DATA, justBefore(decided))).toMatchObject({
      allowed: true,
      basis: TransferBasis.SCC_2021,
      contract: scc,
    });
  });

  describe('with an end configured on the Swiss decision (2030-01-01)', () => {
    const d = data();
    rule(d, 'CH', 'ADEQUACY').validUntil = T('2030-01-01');

    it('allows the millisecond before the end and reports the end as validUntil', () => {
      expect(decideTransfer(distributor('CH'), [], d, justBefore('2030-01-01'))).toEqual({
        allowed: true,
        basis: TransferBasis.ADEQUACY,
        reason: 'ADEQUACY (CH)',
        contract: null,
        validUntil: T('2030-01-01'),
      });
    });
    it('denies at the instant the decision ends', () => {
      expect(decideTransfer(distributor('CH'), [], d, T('2030-01-01'))).toEqual({
        allowed: false,
        basis: TransferBasis.NONE,
        reason: 'CH: adequacy decision 2000/518/EC ended 2030-01-01; no SCC_2021 or DPA contract in force',
        contract: null,
        validUntil: null,
        denial: { reason: TransferDenialReason.ADEQUACY_ENDED, country: 'CH', contract: null, date: T('2030-01-01'), dateKind: DenialDateKind.ADEQUACY_VALID_UNTIL, remedies: [SCC_2021, DPA] },
      });
    });
    it('falls back to an SCC in force once the decision has ended', () => {
      const scc = contract(SCC_2021);
      expect(decideTransfer(distributor('CH'), [scc], d, T('2030-01-01'))).toMatchObject({ allowed: true, basis: TransferBasis.SCC_2021, contract: scc });
    });
  });

  it('decides ADEQUACY for an EEA distributor that also processes in an adequate country', () => {
    expect(decideTransfer(distributor('DE', ['CH']), [], SEED_DATA, NOW)).toMatchObject({
      allowed: true,
      basis: TransferBasis.ADEQUACY,
      reason: 'ADEQUACY (CH); EEA (DE)',
    });
  });
});

describe('decideTransfer: the U.S. (adequacy only with DPF certification)', () => {
  const dpf = (fields: Partial<GateContract> = {}) => contract(DPF_CERTIFICATION, { signedAt: T('2024-01-01'), effectiveFrom: T('2024-01-01'), expiresAt: T('2027-01-01'), ...fields });

  it('allows a certified U.S. distributor with basis DPF_CERTIFICATION, the certificate and its expiry', () => {
    const cert = dpf({ documentRef: 'DPF-7' });
    expect(decideTransfer(distributor('US'), [cert], SEED_DATA, NOW)).toEqual({
      allowed: true,
      basis: TransferBasis.DPF_CERTIFICATION,
      reason: 'DPF_CERTIFICATION contract DPF-7 (US)',
      contract: cert,
      validUntil: T('2027-01-01'),
    });
  });

  it('denies a U.S. distributor with no certification or contract', () => {
    expect(decideTransfer(distributor('US'), [], SEED_DATA, NOW)).toEqual({
      allowed: false,
      basis: TransferBasis.NONE,
      reason: 'US: no DPF certification or contract in force',
      contract: null,
      validUntil: null,
      denial: { reason: TransferDenialReason.NO_CONTRACT, country: 'US', contract: null, date: null, dateKind: null, remedies: [DPF_CERTIFICATION, SCC_2021, DPA] },
    });
  });

  it('denies a certification effective earlier the millisecond before the DPF decision (2023-07-10), and allows it at that instant', () => {
    const cert = dpf({ signedAt: T('2023-01-01'), effectiveFrom: T('2023-01-01'), documentRef: 'DPF-EARLY' });
    const before = decideTransfer(distributor('US'), [cert], SEED_DATA, justBefore('2023-07-10'));
    expect(before).toMatchObject({ allowed: false, basis: TransferBasis.NONE, contract: cert });
    expect(before.reason).toMatch(/^US: DPF_CERTIFICATION contract DPF-EARLY is not a valid basis before 2023-07-10 \(.*2023\/1795\)$/);
    expect(decideTransfer(distributor('US'), [cert], SEED_DATA, T('2023-07-10'))).toMatchObject({
      allowed: true,
      basis: TransferBasis.DPF_CERTIFICATION,
      contract: cert,
    });
  });

  it('denies a certified U.S. distributor whose certification expired, at the instant of expiry', () => {
    const cert = dpf({ documentRef: 'DPF-8' });
    expect(decideTransfer(distributor('US'), [cert], SEED_DATA, justBefore('2027-01-01')).allowed).toBe(true);
    expect(decideTransfer(distributor('US'), [cert], SEED_DATA, T('2027-01-01'))).toMatchObject({
      allowed: false,
      reason: 'US: DPF_CERTIFICATION contract DPF-8 expired 2027-01-01',
      contract: cert,
    });
  });

  describe('with an end configured on the U.S. decision (2026-12-01)', () => {
    const d = data();
    rule(d, 'US', 'ADEQUACY').validUntil = T('2026-12-01');
    const cert = dpf({ documentRef: 'DPF-9', expiresAt: T('2099-01-01') });

    it('allows a certified distributor until then, and reports the decision end as validUntil', () => {
      expect(decideTransfer(distributor('US'), [cert], d, justBefore('2026-12-01'))).toMatchObject({
        allowed: true,
        basis: TransferBasis.DPF_CERTIFICATION,
        validUntil: T('2026-12-01'),
      });
    });
    it('does not let the certification outlive the decision', () => {
      expect(decideTransfer(distributor('US'), [cert], d, T('2026-12-01'))).toEqual({
        allowed: false,
        basis: TransferBasis.NONE,
        reason: 'US: DPF_CERTIFICATION contract DPF-9 is no longer a valid basis since 2026-12-01 (adequacy decision (EU) 2023/1795)',
        contract: cert,
        validUntil: null,
        denial: { reason: TransferDenialReason.ADEQUACY_ENDED, country: 'US', contract: cert, date: T('2026-12-01'), dateKind: DenialDateKind.ADEQUACY_VALID_UNTIL, remedies: [SCC_2021, DPA] },
      });
    });
    it('still accepts SCC for the U.S. after the decision ended', () => {
      const scc = contract(SCC_2021);
      expect(decideTransfer(distributor('US'), [cert, scc], d, T('2026-12-01'))).toMatchObject({ allowed: true, basis: TransferBasis.SCC_2021, contract: scc });
    });
  });

  it('accepts SCC for the U.S. without certification', () => {
    const scc = contract(SCC_2021, { documentRef: 'SCC-US' });
    expect(decideTransfer(distributor('US'), [scc], SEED_DATA, NOW)).toMatchObject({
      allowed: true,
      basis: TransferBasis.SCC_2021,
      reason: 'SCC_2021 contract SCC-US (US)',
      contract: scc,
    });
  });

  it('decides by the certification when a U.S. distributor holds both DPF and SCC (the U.S. is then not a third country)', () => {
    const cert = dpf();
    const scc = contract(SCC_2021);
    expect(decideTransfer(distributor('US'), [scc, cert], SEED_DATA, NOW)).toMatchObject({ basis: TransferBasis.DPF_CERTIFICATION, contract: cert });
  });

  it('does not let DPF certification cover a country other than the U.S.', () => {
    expect(decideTransfer(distributor('BR'), [dpf()], SEED_DATA, NOW)).toEqual({
      allowed: false,
      basis: TransferBasis.NONE,
      reason: 'BR: third country; no SCC_2021 or DPA contract in force',
      contract: null,
      validUntil: null,
      denial: { reason: TransferDenialReason.NO_CONTRACT, country: 'BR', contract: null, date: null, dateKind: null, remedies: [SCC_2021, DPA] },
    });
  });
});

describe('decideTransfer: Privacy Shield (invalid since 2020-07-16, CJEU C-311/18)', () => {
  const shield = () => contract(PRIVACY_SHIELD, { signedAt: T('2017-03-01'), effectiveFrom: T('2017-03-01'), documentRef: 'PS-1' });

  it('allowed a U.S. distributor the millisecond before the judgment, until 2020-07-16', () => {
    const ps = shield();
    expect(decideTransfer(distributor('US'), [ps], SEED_DATA, justBefore('2020-07-16'))).toEqual({
      allowed: true,
      basis: TransferBasis.PRIVACY_SHIELD,
      reason: 'PRIVACY_SHIELD contract PS-1 (US)',
      contract: ps,
      validUntil: T('2020-07-16'),
    });
  });

  it('denies a U.S. distributor on Privacy Shield at the instant of the judgment and after', () => {
    const ps = shield();
    for (const at of [T('2020-07-16'), NOW]) {
      const decision = decideTransfer(distributor('US'), [ps], SEED_DATA, at);
      expect(decision).toMatchObject({ allowed: false, basis: TransferBasis.NONE, contract: ps, validUntil: null });
      expect(decision.reason).toMatch(/^US: PRIVACY_SHIELD contract PS-1 is no longer a valid basis since 2020-07-16 \(.*CJEU C-311\/18.*\)$/);
    }
  });

  it('does not let Privacy Shield cover a country other than the U.S.', () => {
    expect(decideTransfer(distributor('IN'), [shield()], SEED_DATA, T('2019-01-01'))).toMatchObject({
      allowed: false,
      reason: 'IN: third country; no SCC_2021, DPA or SCC_2010 contract in force',
      contract: null,
    });
  });
});

describe('decideTransfer: the 2010 SCC (ended 2022-12-27)', () => {
  const old = () => contract(SCC_2010, { signedAt: T('2019-04-01'), effectiveFrom: T('2019-04-01'), documentRef: 'SCC10-TR' });

  it('allowed a third-country distributor the millisecond before 2022-12-27, with that end as validUntil', () => {
    const c = old();
    expect(decideTransfer(distributor('TR'), [c], SEED_DATA, justBefore('2022-12-27'))).toEqual({
      allowed: true,
      basis: TransferBasis.SCC_2010,
      reason: 'SCC_2010 contract SCC10-TR (TR)',
      contract: c,
      validUntil: T('2022-12-27'),
    });
  });

  it('denies a distributor on the old clauses at the instant they ended', () => {
    const c = old();
    const decision = decideTransfer(distributor('TR'), [c], SEED_DATA, T('2022-12-27'));
    expect(decision).toMatchObject({ allowed: false, basis: TransferBasis.NONE, contract: c });
    expect(decision.reason).toMatch(/^TR: SCC_2010 contract SCC10-TR is no longer a valid basis since 2022-12-27 \(.*2010\/87\/EU.*\)$/);
  });

  it('reports the contract expiry as validUntil when it comes before the end of the clauses', () => {
    const c = contract(SCC_2010, { expiresAt: T('2022-06-30') });
    expect(decideTransfer(distributor('TR'), [c], SEED_DATA, T('2022-01-01')).validUntil).toEqual(T('2022-06-30'));
  });
});

describe('decideTransfer: SCC 2021 and DPA', () => {
  it.each(THIRD_COUNTRIES.flatMap((country) => [SCC_2021, DPA].map((type) => [type, country] as const)))('accepts %s in force for a distributor in %s', (type, country) => {
    const c = contract(type);
    expect(decideTransfer(distributor(country), [c], SEED_DATA, NOW)).toEqual({
      allowed: true,
      basis: type === SCC_2021 ? TransferBasis.SCC_2021 : TransferBasis.DPA,
      reason: `${type} contract ${c.documentRef} (${country})`,
      contract: c,
      validUntil: null,
    });
  });

  it.each(THIRD_COUNTRIES)('denies a distributor in %s without any contract, naming the country', (country) => {
    expect(decideTransfer(distributor(country), [], SEED_DATA, NOW)).toEqual({
      allowed: false,
      basis: TransferBasis.NONE,
      reason: `${country}: third country; no SCC_2021 or DPA contract in force`,
      contract: null,
      validUntil: null,
      denial: { reason: TransferDenialReason.NO_CONTRACT, country, contract: null, date: null, dateKind: null, remedies: [SCC_2021, DPA] },
    });
  });

  const c17 = () => contract(SCC_2021, { documentRef: 'C-17', signedAt: T('2021-12-01'), effectiveFrom: T('2022-01-10'), expiresAt: T('2026-01-01') });

  it('denies a distributor whose SCC is not yet effective, the millisecond before effectiveFrom', () => {
    const c = c17();
    expect(decideTransfer(distributor('IN'), [c], SEED_DATA, justBefore('2022-01-10'))).toEqual({
      allowed: false,
      basis: TransferBasis.NONE,
      reason: 'IN: SCC_2021 contract C-17 is not yet effective (from 2022-01-10)',
      contract: c,
      validUntil: null,
      denial: {
        reason: TransferDenialReason.CONTRACT_NOT_YET_EFFECTIVE,
        country: 'IN',
        contract: c,
        date: T('2022-01-10'),
        dateKind: DenialDateKind.EFFECTIVE_FROM,
        remedies: [SCC_2021, DPA, SCC_2010],
      },
    });
  });

  it('allows a distributor at the instant its SCC becomes effective, until its expiry', () => {
    const c = c17();
    expect(decideTransfer(distributor('IN'), [c], SEED_DATA, T('2022-01-10'))).toMatchObject({
      allowed: true,
      basis: TransferBasis.SCC_2021,
      contract: c,
      validUntil: T('2026-01-01'),
    });
  });

  it('allows a distributor the millisecond before its SCC expires', () => {
    expect(decideTransfer(distributor('IN'), [c17()], SEED_DATA, justBefore('2026-01-01')).allowed).toBe(true);
  });

  it('denies a distributor whose SCC expired, at the instant of expiry', () => {
    const c = c17();
    expect(decideTransfer(distributor('IN'), [c], SEED_DATA, T('2026-01-01'))).toEqual({
      allowed: false,
      basis: TransferBasis.NONE,
      reason: 'IN: SCC_2021 contract C-17 expired 2026-01-01',
      contract: c,
      validUntil: null,
      denial: { reason: TransferDenialReason.CONTRACT_EXPIRED, country: 'IN', contract: c, date: T('2026-01-01'), dateKind: DenialDateKind.EXPIRES_AT, remedies: [SCC_2021, DPA] },
    });
  });

  it('allows a distributor the millisecond before its SCC is terminated, with the termination as validUntil', () => {
    const c = contract(SCC_2021, { documentRef: 'C-CL', terminatedAt: T('2024-09-30') });
    expect(decideTransfer(distributor('CL'), [c], SEED_DATA, justBefore('2024-09-30'))).toMatchObject({
      allowed: true,
      validUntil: T('2024-09-30'),
    });
  });

  it('denies a distributor whose SIGNED SCC is terminated, at the instant of termination', () => {
    const c = contract(SCC_2021, { documentRef: 'C-CL', terminatedAt: T('2024-09-30') });
    expect(decideTransfer(distributor('CL'), [c], SEED_DATA, T('2024-09-30'))).toMatchObject({
      allowed: false,
      reason: 'CL: SCC_2021 contract C-CL terminated 2024-09-30',
      contract: c,
    });
  });

  it('denies a distributor whose SCC has status TERMINATED from its terminatedAt on, and allowed it before (one function of the clock)', () => {
    const c = contract(SCC_2021, { documentRef: 'C-CL', status: TERMINATED, terminatedAt: T('2024-09-30') });
    expect(decideTransfer(distributor('CL'), [c], SEED_DATA, NOW).reason).toBe('CL: SCC_2021 contract C-CL terminated 2024-09-30');
    expect(decideTransfer(distributor('CL'), [c], SEED_DATA, T('2024-01-01'))).toMatchObject({ allowed: true, validUntil: T('2024-09-30') });
    expect(decideTransfer(distributor('CL'), [contract(SCC_2021, { status: TERMINATED, terminatedAt: null, documentRef: 'C-X' })], SEED_DATA, NOW).reason).toBe(
      'CL: SCC_2021 contract C-X is terminated (TERMINATED)',
    );
  });

  it('denies a distributor whose SCC is a DRAFT', () => {
    const c = contract(SCC_2021, { documentRef: 'C-AE', status: DRAFT, signedAt: null });
    expect(decideTransfer(distributor('AE'), [c], SEED_DATA, NOW)).toEqual({
      allowed: false,
      basis: TransferBasis.NONE,
      reason: 'AE: SCC_2021 contract C-AE is not signed (DRAFT)',
      contract: c,
      validUntil: null,
      denial: { reason: TransferDenialReason.CONTRACT_UNSIGNED, country: 'AE', contract: c, date: null, dateKind: null, remedies: [SCC_2021, DPA] },
    });
  });

  it('denies a distributor whose SCC is SIGNED without a signature date', () => {
    const c = contract(SCC_2021, { documentRef: 'C-AE', signedAt: null });
    expect(decideTransfer(distributor('AE'), [c], SEED_DATA, NOW)).toMatchObject({
      allowed: false,
      reason: 'AE: SCC_2021 contract C-AE is marked SIGNED but has no signature date',
      contract: c,
    });
  });

  it('names the contract by its id when it has no document reference', () => {
    const c = contract(SCC_2021, { id: 'c-without-ref', documentRef: null, status: DRAFT });
    expect(decideTransfer(distributor('AE'), [c], SEED_DATA, NOW).reason).toBe('AE: SCC_2021 contract c-without-ref is not signed (DRAFT)');
  });
});

describe('decideTransfer: choosing among several contracts', () => {
  it('prefers SCC_2021 over DPA when both are in force', () => {
    const dpa = contract(DPA);
    const scc = contract(SCC_2021);
    expect(decideTransfer(distributor('SG'), [dpa, scc], SEED_DATA, NOW).contract).toBe(scc);
  });

  it('prefers DPA over SCC_2010 while both are valid', () => {
    const old = contract(SCC_2010);
    const dpa = contract(DPA);
    expect(decideTransfer(distributor('SG'), [old, dpa], SEED_DATA, T('2021-01-01')).contract).toBe(dpa);
  });

  it('prefers SCC_2010 over Privacy Shield for the U.S. before 2020-07-16', () => {
    const ps = contract(PRIVACY_SHIELD);
    const old = contract(SCC_2010);
    expect(decideTransfer(distributor('US'), [ps, old], SEED_DATA, T('2020-01-01')).contract).toBe(old);
  });

  it('prefers, among contracts of one type, the one that lasts longest', () => {
    const short = contract(SCC_2021, { expiresAt: T('2027-01-01') });
    const open = contract(SCC_2021);
    const long = contract(SCC_2021, { expiresAt: T('2030-01-01') });
    expect(decideTransfer(distributor('BR'), [short, long], SEED_DATA, NOW).contract).toBe(long);
    expect(decideTransfer(distributor('BR'), [short, long, open], SEED_DATA, NOW).contract).toBe(open);
  });

  it('decides on the contract in force when an older one has expired', () => {
    const expired = contract(SCC_2021, { expiresAt: T('2025-01-01') });
    const current = contract(SCC_2021, { effectiveFrom: T('2025-01-01') });
    expect(decideTransfer(distributor('IN'), [expired, current], SEED_DATA, NOW)).toMatchObject({ allowed: true, contract: current });
  });

  it('names, when denied, a signed renewal not yet effective rather than the expired contract', () => {
    const expired = contract(SCC_2021, { documentRef: 'C-17', expiresAt: T('2025-12-31') });
    const renewal = contract(SCC_2021, { documentRef: 'C-18', signedAt: T('2026-10-01'), effectiveFrom: T('2027-01-01') });
    expect(decideTransfer(distributor('IN'), [expired, renewal], SEED_DATA, NOW)).toMatchObject({
      allowed: false,
      reason: 'IN: SCC_2021 contract C-18 is not yet effective (from 2027-01-01)',
      contract: renewal,
    });
  });

  it('names, when denied, an expired contract rather than an unsigned draft', () => {
    const draft = contract(SCC_2021, { status: DRAFT, signedAt: null });
    const expired = contract(SCC_2021, { documentRef: 'C-17', expiresAt: T('2025-12-31') });
    expect(decideTransfer(distributor('IN'), [draft, expired], SEED_DATA, NOW)).toMatchObject({
      reason: 'IN: SCC_2021 contract C-17 expired 2025-12-31',
      contract: expired,
    });
  });
});

describe('decideTransfer: every country of the distributor counts', () => {
  it('denies an EEA distributor that processes in the U.S. without a basis, naming the U.S.', () => {
    expect(decideTransfer(distributor('DE', ['DE', 'US']), [], SEED_DATA, NOW)).toEqual({
      allowed: false,
      basis: TransferBasis.NONE,
      reason: 'US: no DPF certification or contract in force',
      contract: null,
      validUntil: null,
      denial: { reason: TransferDenialReason.PROCESSING_COUNTRY_WITHOUT_BASIS, country: 'US', contract: null, date: null, dateKind: null, remedies: [DPF_CERTIFICATION, SCC_2021, DPA] },
    });
  });

  it('allows an EEA distributor that processes in the U.S. with DPF certification', () => {
    const cert = contract(DPF_CERTIFICATION, { documentRef: 'DPF-N', effectiveFrom: T('2024-01-01'), expiresAt: T('2027-01-01') });
    expect(decideTransfer(distributor('DE', ['DE', 'US']), [cert], SEED_DATA, NOW)).toEqual({
      allowed: true,
      basis: TransferBasis.DPF_CERTIFICATION,
      reason: 'DPF_CERTIFICATION contract DPF-N (US); EEA (DE)',
      contract: cert,
      validUntil: T('2027-01-01'),
    });
  });

  it('lets one SCC cover all third countries of a distributor', () => {
    const scc = contract(SCC_2021, { documentRef: 'C-1' });
    expect(decideTransfer(distributor('IN', ['BR', 'DE']), [scc], SEED_DATA, NOW)).toMatchObject({
      allowed: true,
      basis: TransferBasis.SCC_2021,
      reason: 'SCC_2021 contract C-1 (BR, IN); EEA (DE)',
      contract: scc,
    });
  });

  it('decides on the first third country in sorted order when countries rest on different contracts, and lists them all', () => {
    const d = data();
    mechanism(d, SCC_2021).covers = ['IN'];
    mechanism(d, DPA).covers = ['BR'];
    const scc = contract(SCC_2021, { documentRef: 'SCC-IN', expiresAt: T('2030-01-01') });
    const dpa = contract(DPA, { documentRef: 'DPA-BR', expiresAt: T('2028-01-01') });
    expect(decideTransfer(distributor('IN', ['BR']), [scc, dpa], d, NOW)).toEqual({
      allowed: true,
      basis: TransferBasis.DPA,
      reason: 'DPA contract DPA-BR (BR); SCC_2021 contract SCC-IN (IN)',
      contract: dpa,
      validUntil: T('2028-01-01'),
    });
  });

  it('decides on the third country rather than on a certified U.S. processing site', () => {
    const cert = contract(DPF_CERTIFICATION, { effectiveFrom: T('2024-01-01') });
    const dpa = contract(DPA, { documentRef: 'DPA-ZA' });
    expect(decideTransfer(distributor('ZA', ['US']), [cert, dpa], SEED_DATA, NOW)).toMatchObject({
      allowed: true,
      basis: TransferBasis.DPA,
      contract: dpa,
      reason: `DPA contract DPA-ZA (ZA); DPF_CERTIFICATION contract ${cert.documentRef} (US)`,
    });
  });

  it('denies when one third country is not covered, naming only that country', () => {
    const d = data();
    mechanism(d, SCC_2021).covers = ['BR'];
    const scc = contract(SCC_2021);
    expect(decideTransfer(distributor('BR', ['IN']), [scc], d, NOW)).toEqual({
      allowed: false,
      basis: TransferBasis.NONE,
      reason: 'IN: third country; no DPA contract in force',
      contract: null,
      validUntil: null,
      denial: { reason: TransferDenialReason.PROCESSING_COUNTRY_WITHOUT_BASIS, country: 'IN', contract: null, date: null, dateKind: null, remedies: [DPA] },
    });
  });

  it('names every denied country, in sorted order, and returns the contract of the first that has one', () => {
    const ps = contract(PRIVACY_SHIELD, { documentRef: 'PS-1' });
    const decision = decideTransfer(distributor('US', ['IN']), [ps], SEED_DATA, NOW);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toMatch(/^IN: third country; no SCC_2021 or DPA contract in force; US: PRIVACY_SHIELD contract PS-1 is no longer a valid basis since 2020-07-16/);
    expect(decision.contract).toBe(ps);
  });

  it('reads country codes in any case and counts each country once', () => {
    expect(decideTransfer(distributor('de', ['de', 'us', 'US ']), [], SEED_DATA, NOW).reason).toBe('US: no DPF certification or contract in force');
    expect(decideTransfer(distributor('ch', ['Ch']), [], SEED_DATA, NOW)).toMatchObject({ allowed: true, reason: 'ADEQUACY (CH)' });
  });

  it('reports the earliest end among all bases used as validUntil', () => {
    const d = data();
    rule(d, 'CH', 'ADEQUACY').validUntil = T('2029-01-01');
    const scc = contract(SCC_2021, { expiresAt: T('2030-01-01') });
    expect(decideTransfer(distributor('BR', ['CH', 'DE']), [scc], d, NOW).validUntil).toEqual(T('2029-01-01'));
    expect(decideTransfer(distributor('BR', ['DE']), [scc], d, NOW).validUntil).toEqual(T('2030-01-01'));
  });
});

describe('decideTransfer: the seed distributors on 2026-11-27 (docs/seed-world.md)', () => {
  const at = T('2026-11-27T12:00:00.000Z');
  const seedContract = (slug: string, type: ContractType, status: ContractStatus, dates: Partial<GateContract>) =>
    contract(type, {
      id: `contract-${slug}`,
      status,
      documentRef: `C-${slug.toUpperCase()}-${(dates.effectiveFrom ?? T('2000-01-01')).toISOString().slice(0, 4)}`,
      expiresAt: null,
      terminatedAt: null,
      ...dates,
    });
  type Case = [slug: string, country: string, processing: string[], contract: GateContract | null, expected: Partial<TransferDecisionLike>];
  interface TransferDecisionLike {
    allowed: boolean;
    basis: TransferBasis;
    reason: string | RegExp;
  }
  const cases: Case[] = [
    ['rhein', 'DE', ['DE'], null, { allowed: true, basis: TransferBasis.EEA, reason: 'EEA (DE)' }],
    ['alpen', 'CH', ['CH'], null, { allowed: true, basis: TransferBasis.ADEQUACY, reason: 'ADEQUACY (CH)' }],
    [
      'liberty',
      'US',
      ['US'],
      seedContract('liberty', DPF_CERTIFICATION, SIGNED, { signedAt: T('2024-01-01'), effectiveFrom: T('2024-01-01'), expiresAt: T('2099-01-01') }),
      { allowed: true, basis: TransferBasis.DPF_CERTIFICATION, reason: 'DPF_CERTIFICATION contract C-LIBERTY-2024 (US)' },
    ],
    [
      'oldglory',
      'US',
      ['US'],
      seedContract('oldglory', PRIVACY_SHIELD, SIGNED, { signedAt: T('2017-03-01'), effectiveFrom: T('2017-03-01') }),
      { allowed: false, basis: TransferBasis.NONE, reason: /^US: PRIVACY_SHIELD contract C-OLDGLORY-2017 is no longer a valid basis since 2020-07-16 \(.*C-311\/18.*\)$/ },
    ],
    [
      'vigilancia',
      'BR',
      ['BR'],
      seedContract('vigilancia', SCC_2021, SIGNED, { signedAt: T('2023-05-01'), effectiveFrom: T('2023-05-01') }),
      { allowed: true, basis: TransferBasis.SCC_2021, reason: 'SCC_2021 contract C-VIGILANCIA-2023 (BR)' },
    ],
    [
      // expiresAt is exclusive: "expired 2025-12-31" in the scenario is in force through that day.
      'mumbai',
      'IN',
      ['IN'],
      seedContract('mumbai', SCC_2021, SIGNED, { signedAt: T('2022-01-10'), effectiveFrom: T('2022-01-10'), expiresAt: T('2026-01-01') }),
      { allowed: false, basis: TransferBasis.NONE, reason: 'IN: SCC_2021 contract C-MUMBAI-2022 expired 2026-01-01' },
    ],
    [
      'lioncity',
      'SG',
      ['SG'],
      seedContract('lioncity', DPA, SIGNED, { signedAt: T('2024-06-01'), effectiveFrom: T('2024-06-01') }),
      { allowed: true, basis: TransferBasis.DPA, reason: 'DPA contract C-LIONCITY-2024 (SG)' },
    ],
    [
      'gulf',
      'AE',
      ['AE'],
      seedContract('gulf', SCC_2021, DRAFT, { signedAt: null, effectiveFrom: T('2025-01-01') }),
      { allowed: false, basis: TransferBasis.NONE, reason: 'AE: SCC_2021 contract C-GULF-2025 is not signed (DRAFT)' },
    ],
    [
      'bosphorus',
      'TR',
      ['TR'],
      seedContract('bosphorus', SCC_2010, SIGNED, { signedAt: T('2019-04-01'), effectiveFrom: T('2019-04-01') }),
      { allowed: false, basis: TransferBasis.NONE, reason: /^TR: SCC_2010 contract C-BOSPHORUS-2019 is no longer a valid basis since 2022-12-27 / },
    ],
    [
      'andes',
      'CL',
      ['CL'],
      seedContract('andes', SCC_2021, TERMINATED, { signedAt: T('2023-01-01'), effectiveFrom: T('2023-01-01'), terminatedAt: T('2024-09-30') }),
      { allowed: false, basis: TransferBasis.NONE, reason: 'CL: SCC_2021 contract C-ANDES-2023 terminated 2024-09-30' },
    ],
    ['nordlicht', 'DE', ['DE', 'US'], null, { allowed: false, basis: TransferBasis.NONE, reason: 'US: no DPF certification or contract in force' }],
  ];

  it('covers all eleven distributors of the scenario', () => {
    expect(cases.map(([slug]) => slug)).toEqual(['rhein', 'alpen', 'liberty', 'oldglory', 'vigilancia', 'mumbai', 'lioncity', 'gulf', 'bosphorus', 'andes', 'nordlicht']);
  });

  it.each(cases)('decides %s as the scenario says', (slug, country, processing, c, expected) => {
    const decision = decideTransfer({ id: slug, name: slug, country, processingCountries: processing }, c ? [c] : [], SEED_DATA, at);
    expect(decision.allowed).toBe(expected.allowed);
    expect(decision.basis).toBe(expected.basis);
    if (expected.reason instanceof RegExp) expect(decision.reason).toMatch(expected.reason);
    else expect(decision.reason).toBe(expected.reason);
    expect(decision.contract).toBe(c);
    if (!decision.allowed) expect(decision.validUntil).toBeNull();
  });
});

describe('decideTransfer: contract identity and robustness', () => {
  it('returns the very Contract entity instance it was given', () => {
    const entity = Object.assign(new Contract(), {
      id: 'entity-1',
      distributorId: 'dist-BR',
      type: SCC_2021,
      status: SIGNED,
      signedAt: T('2023-05-01'),
      effectiveFrom: T('2023-05-01'),
      expiresAt: null,
      terminatedAt: null,
      documentRef: 'C-ENTITY',
      createdAt: T('2023-05-01'),
    });
    const decision = decideTransfer<Contract>(distributor('BR'), [entity], SEED_DATA, NOW);
    expect(decision.contract).toBe(entity);
    expect(decision.contract).toBeInstanceOf(Contract);
  });

  it('returns the given object when denying, too', () => {
    const draft = contract(SCC_2021, { status: DRAFT, signedAt: null });
    expect(decideTransfer(distributor('AE'), [draft], SEED_DATA, NOW).contract).toBe(draft);
  });

  it('does not read the clock: the same inputs give the same decision', () => {
    const c = contract(SCC_2021, { expiresAt: T('2026-01-01') });
    expect(decideTransfer(distributor('IN'), [c], SEED_DATA, T('2025-06-01')).allowed).toBe(true);
    expect(decideTransfer(distributor('IN'), [c], SEED_DATA, T('2025-06-01'))).toEqual(decideTransfer(distributor('IN'), [c], SEED_DATA, T('2025-06-01')));
  });

  it('does not change its inputs', () => {
    const d = data();
    const before = structuredClone(d);
    const c = contract(SCC_2021);
    const copy = { ...c };
    decideTransfer(distributor('IN', ['US', 'DE']), [c], d, NOW);
    expect(d).toEqual(before);
    expect(c).toEqual(copy);
  });

  it('denies, without throwing, at an invalid instant', () => {
    expect(decideTransfer(distributor('DE'), [], SEED_DATA, new Date(NaN))).toMatchObject({
      allowed: false,
      basis: TransferBasis.NONE,
      reason: 'the instant of the request is not a valid date',
    });
  });

  it('denies, without throwing, a distributor without any country', () => {
    expect(decideTransfer(distributor('', []), [], SEED_DATA, NOW)).toMatchObject({ allowed: false, reason: 'no country of the distributor is known' });
  });

  it('denies, without throwing, on malformed input', () => {
    const broken = { id: 'x', name: 'x', country: 'IN', processingCountries: undefined } as unknown as GateDistributor;
    expect(() => decideTransfer(broken, [null, undefined, contract(SCC_2021, { effectiveFrom: new Date(NaN) })] as unknown as GateContract[], SEED_DATA, NOW)).not.toThrow();
    expect(decideTransfer(broken, [], { rules: undefined, mechanisms: undefined } as unknown as JurisdictionData, NOW).allowed).toBe(false);
    expect(decideTransfer(distributor('DE'), [], null as unknown as JurisdictionData, NOW).allowed).toBe(false);
    expect(decideTransfer(distributor('IN'), [contract(SCC_2021, { effectiveFrom: new Date(NaN) })], SEED_DATA, NOW)).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/^IN: SCC_2021 contract REF-\d+ has no valid effective date$/),
    });
  });

  it('denies a contract type that has no transfer mechanism on record', () => {
    const d = data();
    d.mechanisms = d.mechanisms.filter((m) => m.type !== DPA);
    expect(decideTransfer(distributor('SG'), [contract(DPA)], d, NOW)).toMatchObject({
      allowed: false,
      reason: 'SG: third country; no SCC_2021 contract in force',
    });
  });
});
