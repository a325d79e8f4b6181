import 'reflect-metadata';
import fs from 'node:fs';
import { ContractStatus, ContractType } from '../../src/common/enums';
import { jurisdictionSeedPath } from '../../src/modules/jurisdiction/jurisdiction.service';
import { actionFor, GateAction } from '../../src/policy/gate-summary';
import { decideTransfer, DenialDateKind, GateContract, GateDistributor, JurisdictionData, jurisdictionDataFromJson, TransferDenialReason as R } from '../../src/policy/transfer-gate';

/**
 * Issue #13: the gate says why it is closed as a machine reads it (TransferDecision.denial), for
 * every case it can decide, with the country, the contract and the date that matter; and the
 * action the answer's summary suggests for each reason. The reasons are the gate's: nothing
 * outside decideTransfer() decides them.
 */

const { SCC_2021, SCC_2010, DPA, DPF_CERTIFICATION, PRIVACY_SHIELD } = ContractType;
const T = (s: string): Date => new Date(s.length === 10 ? `${s}T00:00:00.000Z` : s);
const NOW = T('2026-11-27T12:00:00.000Z');
const SEED: JurisdictionData = jurisdictionDataFromJson(JSON.parse(fs.readFileSync(jurisdictionSeedPath(__dirname), 'utf8')));
const data = (): JurisdictionData => structuredClone(SEED);
const distributor = (country: string, processingCountries: string[] = [country]): GateDistributor => ({ id: `d-${country}`, name: country, country, processingCountries });
let serial = 0;
function contract(type: ContractType, fields: Partial<GateContract> = {}): GateContract {
  serial += 1;
  return {
    id: `c-${serial}`,
    type,
    status: ContractStatus.SIGNED,
    signedAt: T('2020-01-01'),
    effectiveFrom: T('2020-01-01'),
    expiresAt: null,
    terminatedAt: null,
    documentRef: `C-${serial}`,
    ...fields,
  };
}

describe('the reason of a denial, decided by the gate', () => {
  const cases: [label: string, decide: () => ReturnType<typeof decideTransfer<GateContract>>, expected: Record<string, unknown>][] = [
    ['no contract at all (IN)', () => decideTransfer(distributor('IN'), [], SEED, NOW), { reason: R.NO_CONTRACT, country: 'IN', contract: null, date: null, dateKind: null }],
    [
      'a DRAFT (AE)',
      () => decideTransfer(distributor('AE'), [contract(SCC_2021, { id: 'draft', status: ContractStatus.DRAFT, signedAt: null })], SEED, NOW),
      { reason: R.CONTRACT_UNSIGNED, country: 'AE', contract: expect.objectContaining({ id: 'draft' }), date: null },
    ],
    [
      'an expired SCC (IN, the seed mumbai)',
      () => decideTransfer(distributor('IN'), [contract(SCC_2021, { id: 'mumbai', expiresAt: T('2026-01-01') })], SEED, NOW),
      { reason: R.CONTRACT_EXPIRED, country: 'IN', contract: expect.objectContaining({ id: 'mumbai' }), date: T('2026-01-01'), dateKind: DenialDateKind.EXPIRES_AT },
    ],
    [
      'a terminated SCC (CL)',
      () => decideTransfer(distributor('CL'), [contract(SCC_2021, { status: ContractStatus.TERMINATED, terminatedAt: T('2024-09-30') })], SEED, NOW),
      { reason: R.CONTRACT_TERMINATED, country: 'CL', date: T('2024-09-30'), dateKind: DenialDateKind.TERMINATED_AT },
    ],
    [
      'a TERMINATED row without a date',
      () => decideTransfer(distributor('CL'), [contract(SCC_2021, { status: ContractStatus.TERMINATED, terminatedAt: null })], SEED, NOW),
      { reason: R.CONTRACT_TERMINATED, date: null, dateKind: null },
    ],
    [
      'an SCC effective next year',
      () => decideTransfer(distributor('BR'), [contract(SCC_2021, { effectiveFrom: T('2027-01-01') })], SEED, NOW),
      { reason: R.CONTRACT_NOT_YET_EFFECTIVE, country: 'BR', date: T('2027-01-01'), dateKind: DenialDateKind.EFFECTIVE_FROM },
    ],
    [
      'a signature dated after the instant (the clock read before it)',
      () => decideTransfer(distributor('BR'), [contract(SCC_2021, { signedAt: T('2027-02-01'), effectiveFrom: T('2027-03-01') })], SEED, NOW),
      { reason: R.CONTRACT_NOT_YET_EFFECTIVE, date: T('2027-02-01'), dateKind: DenialDateKind.SIGNED_AT },
    ],
    [
      'SCC_2010 after its cut-off (TR, the seed bosphorus)',
      () => decideTransfer(distributor('TR'), [contract(SCC_2010, { effectiveFrom: T('2019-04-01') })], SEED, NOW),
      { reason: R.CONTRACT_TYPE_PAST_CUTOFF, country: 'TR', date: T('2022-12-27'), dateKind: DenialDateKind.TYPE_VALID_UNTIL },
    ],
    [
      'Privacy Shield after Schrems II (US, the seed oldglory)',
      () => decideTransfer(distributor('US'), [contract(PRIVACY_SHIELD, { effectiveFrom: T('2017-03-01') })], SEED, NOW),
      { reason: R.CONTRACT_TYPE_PAST_CUTOFF, country: 'US', date: T('2020-07-16'), dateKind: DenialDateKind.TYPE_VALID_UNTIL },
    ],
    [
      'a DPF certification before the DPF decision',
      () => decideTransfer(distributor('US'), [contract(DPF_CERTIFICATION, { expiresAt: T('2024-01-01') })], SEED, T('2023-07-09')),
      { reason: R.CONTRACT_TYPE_NOT_YET_VALID, country: 'US', date: T('2023-07-10'), dateKind: DenialDateKind.TYPE_VALID_FROM },
    ],
    [
      'a SIGNED contract without a signature date',
      () => decideTransfer(distributor('IN'), [contract(SCC_2021, { signedAt: null })], SEED, NOW),
      { reason: R.CONTRACT_INVALID, country: 'IN', date: null },
    ],
    [
      'an EEA distributor processing in the U.S. (the seed nordlicht)',
      () => decideTransfer(distributor('DE', ['DE', 'US']), [], SEED, NOW),
      { reason: R.PROCESSING_COUNTRY_WITHOUT_BASIS, country: 'US', contract: null, remedies: [DPF_CERTIFICATION, SCC_2021, DPA] },
    ],
    [
      'a U.S. distributor without a certification (its domicile: no contract)',
      () => decideTransfer(distributor('US'), [], SEED, NOW),
      { reason: R.NO_CONTRACT, country: 'US', remedies: [DPF_CERTIFICATION, SCC_2021, DPA] },
    ],
    ['no country known', () => decideTransfer(distributor('', []), [], SEED, NOW), { reason: R.COUNTRY_UNKNOWN, country: null }],
    ['an invalid instant', () => decideTransfer(distributor('IN'), [], SEED, new Date(NaN)), { reason: R.UNDECIDABLE }],
  ];

  it.each(cases)('%s', (_label, decide, expected) => {
    const decision = decide();
    expect(decision.allowed).toBe(false);
    expect(decision.denial).toMatchObject(expected);
    // The denial's contract is the decision's: one choice, made once.
    expect(decision.denial!.contract).toBe(decision.contract);
  });

  it('an adequacy decision that ended: ADEQUACY_ENDED with its end, for the country itself and for a certification that depended on it', () => {
    const d = data();
    d.rules.find((r) => r.country === 'GB')!.validUntil = T('2026-06-01');
    d.rules.find((r) => r.country === 'US')!.validUntil = T('2026-06-01');
    expect(decideTransfer(distributor('GB'), [], d, NOW).denial).toMatchObject({ reason: R.ADEQUACY_ENDED, country: 'GB', date: T('2026-06-01'), dateKind: DenialDateKind.ADEQUACY_VALID_UNTIL });
    // A processing country whose decision ended says so rather than only "without basis".
    expect(decideTransfer(distributor('DE', ['GB']), [], d, NOW).denial).toMatchObject({ reason: R.ADEQUACY_ENDED, country: 'GB' });
    const cert = contract(DPF_CERTIFICATION, { expiresAt: T('2099-01-01') });
    expect(decideTransfer(distributor('US'), [cert], d, NOW).denial).toMatchObject({ reason: R.ADEQUACY_ENDED, contract: cert, dateKind: DenialDateKind.ADEQUACY_VALID_UNTIL });
  });

  it('no contract type covers the country (an operator closed them all): NO_MECHANISM_AVAILABLE, no remedy', () => {
    const d = data();
    for (const m of d.mechanisms) m.validUntil = T('2026-01-01');
    expect(decideTransfer(distributor('IN'), [], d, NOW).denial).toMatchObject({ reason: R.NO_MECHANISM_AVAILABLE, remedies: [] });
  });

  it('several countries denied: the reason is the one of the country whose contract the decision names', () => {
    const ps = contract(PRIVACY_SHIELD, { documentRef: 'PS-1' });
    const decision = decideTransfer(distributor('US', ['IN']), [ps], SEED, NOW);
    expect(decision.reason).toContain('IN: third country');
    expect(decision.denial).toMatchObject({ reason: R.CONTRACT_TYPE_PAST_CUTOFF, country: 'US', contract: ps });
  });

  it('an open gate has no denial', () => {
    expect(decideTransfer(distributor('DE'), [], SEED, NOW).denial).toBeUndefined();
    expect(decideTransfer(distributor('BR'), [contract(SCC_2021)], SEED, NOW).denial).toBeUndefined();
  });
});

describe('the action the summary suggests for each reason', () => {
  const denial = (reason: R, remedies: string[] = [SCC_2021, DPA]) => ({ reason, country: 'IN', contract: null, date: null, dateKind: null, remedies });
  it.each([
    [R.NO_CONTRACT, GateAction.NEW_CONTRACT_REQUIRED],
    [R.CONTRACT_UNSIGNED, GateAction.SIGN_CONTRACT],
    [R.CONTRACT_NOT_YET_EFFECTIVE, GateAction.WAIT_UNTIL_EFFECTIVE],
    [R.CONTRACT_EXPIRED, GateAction.RENEW_CONTRACT],
    [R.CONTRACT_TERMINATED, GateAction.NEW_CONTRACT_REQUIRED],
    [R.CONTRACT_INVALID, GateAction.CORRECT_CONTRACT],
    [R.CONTRACT_TYPE_NOT_YET_VALID, GateAction.WAIT_UNTIL_EFFECTIVE],
    [R.CONTRACT_TYPE_PAST_CUTOFF, GateAction.NEW_CONTRACT_REQUIRED],
    [R.ADEQUACY_ENDED, GateAction.NEW_CONTRACT_REQUIRED],
    [R.PROCESSING_COUNTRY_WITHOUT_BASIS, GateAction.NEW_CONTRACT_REQUIRED],
    [R.NO_MECHANISM_AVAILABLE, GateAction.CONTACT_VENDOR],
    [R.COUNTRY_UNKNOWN, GateAction.CONTACT_VENDOR],
    [R.UNDECIDABLE, GateAction.CONTACT_VENDOR],
  ])('%s → %s', (reason, code) => {
    const action = actionFor(denial(reason));
    expect(action.code).toBe(code);
    expect(action.message.length).toBeGreaterThan(20);
  });

  it('names the contract types that would open the gate, never a contract of the distributor', () => {
    expect(actionFor(denial(R.CONTRACT_EXPIRED)).message).toBe('Renew the expired contract with the vendor: a SCC_2021 or DPA contract in force for IN opens the gate.');
    expect(actionFor({ ...denial(R.PROCESSING_COUNTRY_WITHOUT_BASIS, [DPF_CERTIFICATION, SCC_2021, DPA]), country: 'US' }).message).toBe(
      'Conclude a DPF_CERTIFICATION, SCC_2021 or DPA contract in force for US with the vendor, or stop processing data there (the vendor admin updates the processing countries).',
    );
  });

  it('every reason of the enum has an action', () => {
    for (const reason of Object.values(R)) expect(Object.values(GateAction)).toContain(actionFor(denial(reason)).code);
  });
});
