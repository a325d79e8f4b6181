import { countryCodeOf } from '../common/countries';
import { ContractStatus, ContractType, TransferBasis } from '../common/enums';
import type { Contract } from '../modules/contract/contract.entity';

export type JurisdictionRegime = 'EEA' | 'ADEQUACY';

/** A country inside the EU/EEA, or covered by an adequacy decision (GDPR Art. 45). */
export interface JurisdictionRuleData {
  country: string;
  regime: JurisdictionRegime;
  legalAct: string | null;
  validFrom: Date;
  /** Exclusive: the rule holds on d when validFrom ≤ d < validUntil. */
  validUntil: Date | null;
  /** The decision covers only organizations holding a contract of this type in force (U.S.: DPF). */
  requiresContractType: string | null;
}

/** What a contract type covers, and the window in which its clauses are valid at all. */
export interface TransferMechanismData {
  type: string;
  covers: string[] | '*';
  legalAct: string | null;
  validFrom: Date | null;
  validUntil: Date | null;
}

export interface JurisdictionData {
  rules: JurisdictionRuleData[];
  mechanisms: TransferMechanismData[];
}

export interface GateDistributor {
  id: string;
  name: string;
  country: string;
  processingCountries: string[];
}

export type GateContract = Pick<Contract, 'id' | 'type' | 'status' | 'signedAt' | 'effectiveFrom' | 'expiresAt' | 'terminatedAt' | 'documentRef'>;

export interface TransferDecision<C> {
  allowed: boolean;
  basis: TransferBasis;
  reason: string;
  /** The contract the decision rests on; when denied, the contract that came closest. */
  contract: C | null;
  /** The earliest end among the bases used; null when none of them ends. */
  validUntil: Date | null;
  /** Set when the gate denied: why, as a machine reads it (absent when allowed). */
  denial?: GateDenial<C>;
}

/**
 * Why the gate is closed, in one word a client can act on: the machine-readable twin of the
 * denied decision's `reason`, decided by the gate (decide() below) and nowhere else.
 */
export enum TransferDenialReason {
  NO_CONTRACT = 'NO_CONTRACT',
  CONTRACT_UNSIGNED = 'CONTRACT_UNSIGNED',
  CONTRACT_NOT_YET_EFFECTIVE = 'CONTRACT_NOT_YET_EFFECTIVE',
  CONTRACT_EXPIRED = 'CONTRACT_EXPIRED',
  CONTRACT_TERMINATED = 'CONTRACT_TERMINATED',
  CONTRACT_INVALID = 'CONTRACT_INVALID',
  CONTRACT_TYPE_NOT_YET_VALID = 'CONTRACT_TYPE_NOT_YET_VALID',
  CONTRACT_TYPE_PAST_CUTOFF = 'CONTRACT_TYPE_PAST_CUTOFF',
  ADEQUACY_ENDED = 'ADEQUACY_ENDED',
  PROCESSING_COUNTRY_WITHOUT_BASIS = 'PROCESSING_COUNTRY_WITHOUT_BASIS',
  NO_MECHANISM_AVAILABLE = 'NO_MECHANISM_AVAILABLE',
  COUNTRY_UNKNOWN = 'COUNTRY_UNKNOWN',
  UNDECIDABLE = 'UNDECIDABLE',
}

/** Which date of the denial `GateDenial.date` is. */
export enum DenialDateKind {
  EXPIRES_AT = 'EXPIRES_AT',
  TERMINATED_AT = 'TERMINATED_AT',
  SIGNED_AT = 'SIGNED_AT',
  EFFECTIVE_FROM = 'EFFECTIVE_FROM',
  TYPE_VALID_FROM = 'TYPE_VALID_FROM',
  TYPE_VALID_UNTIL = 'TYPE_VALID_UNTIL',
  ADEQUACY_VALID_FROM = 'ADEQUACY_VALID_FROM',
  ADEQUACY_VALID_UNTIL = 'ADEQUACY_VALID_UNTIL',
}

/** The date kinds that say when the gate closed (the others say when it would open). */
export const CLOSING_DATES: ReadonlySet<DenialDateKind> = new Set([DenialDateKind.EXPIRES_AT, DenialDateKind.TERMINATED_AT, DenialDateKind.TYPE_VALID_UNTIL, DenialDateKind.ADEQUACY_VALID_UNTIL]);

/**
 * The structured part of a denial, for the one country that decides it (the first denied
 * country with a contract, else the first denied country: the same one `contract` comes from).
 */
export interface GateDenial<C> {
  reason: TransferDenialReason;
  /** The country the reason is about (null when no country is known). */
  country: string | null;
  /** The contract concerned, if any (the decision's `contract`). */
  contract: C | null;
  /** The date that matters (an expiry, a termination, a cut-off, an effective date), or null. */
  date: Date | null;
  dateKind: DenialDateKind | null;
  /** The contract types that would cover the country if one were in force now, preferred first. */
  remedies: string[];
}

/** The shape of seeds/jurisdictions.json. Dates are "YYYY-MM-DD", meaning 00:00:00Z. */
export interface JurisdictionJson {
  _comment?: unknown;
  rules: {
    country: string;
    regime: JurisdictionRegime;
    legalAct: string | null;
    validFrom: string;
    validUntil: string | null;
    requiresContractType: string | null;
  }[];
  mechanisms: {
    type: string;
    /** "*" or a comma-separated list of countries. */
    covers: string | string[];
    legalAct: string | null;
    validFrom: string | null;
    validUntil: string | null;
  }[];
}

/**
 * Which basis is used when several are valid for a country: the current SCC first, then a
 * DPA, then DPF certification, then the bases that have an end date in law. Among contracts
 * of one type, the one that lasts longest, then the latest effective, then the smallest id.
 */
export const BASIS_PREFERENCE: readonly ContractType[] = [ContractType.SCC_2021, ContractType.DPA, ContractType.DPF_CERTIFICATION, ContractType.SCC_2010, ContractType.PRIVACY_SHIELD];

const BASIS_OF_CONTRACT: Record<ContractType, TransferBasis> = {
  [ContractType.SCC_2021]: TransferBasis.SCC_2021,
  [ContractType.SCC_2010]: TransferBasis.SCC_2010,
  [ContractType.DPA]: TransferBasis.DPA,
  [ContractType.DPF_CERTIFICATION]: TransferBasis.DPF_CERTIFICATION,
  [ContractType.PRIVACY_SHIELD]: TransferBasis.PRIVACY_SHIELD,
};

const REQUIRED_CONTRACT_LABEL: Record<string, string> = {
  [ContractType.DPF_CERTIFICATION]: 'DPF certification',
};

/**
 * In force on `at`: the one definition that the gate, the `Contract.inForce` field and the
 * `contracts(filter: { inForce })` SQL (contract.service.ts) share. docs/transfer-gate.md: signed
 * (signedAt ≤ at), effectiveFrom ≤ at, expiresAt absent or at < expiresAt, terminatedAt absent
 * or at < terminatedAt; and the type's legal window (transfer_mechanism validFrom ≤ at <
 * validUntil: SCC_2010 only before 2022-12-27, PRIVACY_SHIELD only before 2020-07-16,
 * DPF_CERTIFICATION only from 2023-07-10), read from the jurisdiction data, never hard-coded.
 * A type without a mechanism on record is never in force.
 */
export function contractInForce(contract: GateContract, mechanisms: readonly TransferMechanismData[], at: Date): boolean {
  const t = ms(at);
  if (contractProblem(contract, t) !== null) return false;
  const m = mechanisms.find((x) => x && x.type === (contract.type as string));
  return !!m && windowHolds(m, t!);
}

/**
 * The contract types whose legal window holds at `at` (the part of "in force" that is not the
 * contract's own dates): the contracts filter puts exactly these types into its SQL.
 */
export function typesValidAt(mechanisms: readonly TransferMechanismData[], at: Date): string[] {
  const t = ms(at);
  return t === null ? [] : mechanisms.filter((m) => m && windowHolds(m, t)).map((m) => m.type);
}

/**
 * The status at `at`, derived like the gate reads it (the stored status is what was written):
 * TERMINATED from terminatedAt on, also when the termination was recorded ahead (a scheduled
 * termination is stored SIGNED with a future terminatedAt; a row stored TERMINATED with a later
 * terminatedAt reads the same); SIGNED from signedAt until then; DRAFT otherwise.
 */
export function contractStatusAt(contract: Pick<GateContract, 'status' | 'signedAt' | 'terminatedAt'>, at: Date): ContractStatus {
  const t = ms(at);
  if (contract.status !== ContractStatus.SIGNED && contract.status !== ContractStatus.TERMINATED) return contract.status;
  const ended = ms(contract.terminatedAt);
  if (contract.status === ContractStatus.TERMINATED && contract.terminatedAt == null) return ContractStatus.TERMINATED;
  if (t !== null && ended !== null && ended <= t) return ContractStatus.TERMINATED;
  const signed = ms(contract.signedAt);
  if (t !== null && signed !== null && t < signed) return ContractStatus.DRAFT;
  return ContractStatus.SIGNED;
}

/**
 * The transfer gate (GDPR Chapter V, policy P4): may personal data flow to this distributor at
 * `at`? Pure: no I/O, no clock; never throws (an unexpected input is a denial).
 */
export function decideTransfer<C extends GateContract>(distributor: GateDistributor, contracts: C[], data: JurisdictionData, at: Date): TransferDecision<C> {
  try {
    return decide(distributor, contracts, data, at);
  } catch (e) {
    return denied<C>(`the transfer gate could not decide: ${e instanceof Error ? e.message : String(e)}`, null);
  }
}

/** Parses the shape of seeds/jurisdictions.json; throws on a malformed file, naming the entry. */
export function jurisdictionDataFromJson(json: unknown): JurisdictionData {
  const root = json as Partial<JurisdictionJson> | null;
  if (!root || typeof root !== 'object' || !Array.isArray(root.rules) || !Array.isArray(root.mechanisms)) {
    throw new Error('jurisdictions: expected an object with "rules" and "mechanisms" arrays');
  }
  const rules = root.rules.map((r, i): JurisdictionRuleData => {
    const where = `jurisdictions: rules[${i}]`;
    if (!r || typeof r !== 'object') throw new Error(`${where}: not an object`);
    const country = countryCode(r.country, where);
    if (r.regime !== 'EEA' && r.regime !== 'ADEQUACY') throw new Error(`${where} (${country}): regime must be EEA or ADEQUACY`);
    const validFrom = day(r.validFrom, `${where} (${country}).validFrom`);
    if (!validFrom) throw new Error(`${where} (${country}): validFrom is required`);
    return {
      country,
      regime: r.regime,
      legalAct: optionalText(r.legalAct, `${where} (${country}).legalAct`),
      validFrom,
      validUntil: day(r.validUntil, `${where} (${country}).validUntil`),
      requiresContractType: optionalText(r.requiresContractType, `${where} (${country}).requiresContractType`),
    };
  });
  const mechanisms = root.mechanisms.map((m, i): TransferMechanismData => {
    const where = `jurisdictions: mechanisms[${i}]`;
    if (!m || typeof m !== 'object') throw new Error(`${where}: not an object`);
    if (typeof m.type !== 'string' || m.type.trim() === '') throw new Error(`${where}: type is required`);
    return {
      type: m.type.trim(),
      covers: coversFrom(m.covers, `${where} (${m.type}).covers`),
      legalAct: optionalText(m.legalAct, `${where} (${m.type}).legalAct`),
      validFrom: day(m.validFrom, `${where} (${m.type}).validFrom`),
      validUntil: day(m.validUntil, `${where} (${m.type}).validUntil`),
    };
  });
  return { rules, mechanisms };
}

/** "*" or a comma-separated list, as the transfer_mechanism.covers column stores it. */
export function parseCovers(covers: string | string[]): string[] | '*' {
  const list = (Array.isArray(covers) ? covers : covers.split(',')).map((c) => c.trim().toUpperCase()).filter((c) => c !== '');
  return list.includes('*') ? '*' : list;
}

/** YYYY-MM-DD of an instant, in UTC. */
export function formatDay(d: Date | string): string {
  const t = ms(d);
  return t === null ? 'an invalid date' : new Date(t).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------

type Outcome<C> =
  | { kind: 'EEA'; country: string; rule: JurisdictionRuleData }
  | { kind: 'ADEQUACY'; country: string; rule: JurisdictionRuleData }
  | {
      kind: 'CONTRACT';
      country: string;
      contract: C;
      mechanism: TransferMechanismData;
      /** Set when the contract is what brings the country under an adequacy decision (DPF). */
      rule: JurisdictionRuleData | null;
    }
  | { kind: 'DENIED'; country: string; reason: string; contract: C | null; denial: GateDenial<C> };

function decide<C extends GateContract>(distributor: GateDistributor, contracts: C[], data: JurisdictionData, atDate: Date): TransferDecision<C> {
  const at = ms(atDate);
  if (at === null) return denied<C>('the instant of the request is not a valid date', null);
  const countries = countriesOf(distributor);
  if (countries.length === 0) return denied<C>('no country of the distributor is known', null, undecided(TransferDenialReason.COUNTRY_UNKNOWN));
  const own = (Array.isArray(contracts) ? contracts : []).filter((c): c is C => !!c && typeof c === 'object' && Object.hasOwn(BASIS_OF_CONTRACT, c.type));
  const outcomes = countries.map((country) => evaluateCountry(country, own, data, at));

  const refused = outcomes.filter((o): o is Extract<Outcome<C>, { kind: 'DENIED' }> => o.kind === 'DENIED');
  if (refused.length > 0) {
    const decisive = refused.find((o) => o.contract !== null) ?? refused[0];
    // A country the distributor only processes in, denied for want of any basis: the domicile
    // may be fine (an EU distributor processing in the U.S.), the processing country is not.
    const processing = decisive.denial.reason === TransferDenialReason.NO_CONTRACT && decisive.country !== norm(distributor.country);
    const denial = processing ? { ...decisive.denial, reason: TransferDenialReason.PROCESSING_COUNTRY_WITHOUT_BASIS } : decisive.denial;
    return denied(refused.map((o) => o.reason).join('; '), decisive.contract, denial);
  }

  const viaContract = outcomes.filter((o): o is Extract<Outcome<C>, { kind: 'CONTRACT' }> => o.kind === 'CONTRACT');
  const primary = viaContract.find((o) => o.rule === null) ?? viaContract[0] ?? outcomes.find((o) => o.kind === 'ADEQUACY') ?? outcomes[0];
  let basis = TransferBasis.EEA;
  let contract: C | null = null;
  if (primary.kind === 'CONTRACT') {
    basis = BASIS_OF_CONTRACT[primary.contract.type];
    contract = primary.contract;
  } else if (primary.kind === 'ADEQUACY') {
    basis = TransferBasis.ADEQUACY;
  }
  return { allowed: true, basis, reason: allowedReason(outcomes, primary), contract, validUntil: earliestEnd(outcomes) };
}

function denied<C>(reason: string, contract: C | null, denial: GateDenial<C> = undecided(TransferDenialReason.UNDECIDABLE)): TransferDecision<C> {
  return { allowed: false, basis: TransferBasis.NONE, reason, contract, validUntil: null, denial };
}

function undecided<C>(reason: TransferDenialReason): GateDenial<C> {
  return { reason, country: null, contract: null, date: null, dateKind: null, remedies: [] };
}

/** Domicile plus every processing country, upper-case, deduplicated, sorted. */
function countriesOf(distributor: GateDistributor): string[] {
  const all = [distributor?.country, ...(Array.isArray(distributor?.processingCountries) ? distributor.processingCountries : [])];
  const codes = all
    .filter((c): c is string => typeof c === 'string')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '');
  return [...new Set(codes)].sort();
}

function evaluateCountry<C extends GateContract>(country: string, contracts: C[], data: JurisdictionData, at: number): Outcome<C> {
  const rules = (data?.rules ?? []).filter((r) => r && norm(r.country) === country);
  const mechanisms = data?.mechanisms ?? [];
  const mechanismOf = (type: string) => mechanisms.find((m) => m && m.type === type) ?? null;

  const eea = rules.find((r) => r.regime === 'EEA' && ruleHolds(r, at));
  if (eea) return { kind: 'EEA', country, rule: eea };
  const adequacy = rules.filter((r) => r.regime === 'ADEQUACY');
  const plain = adequacy.find((r) => !r.requiresContractType && ruleHolds(r, at));
  if (plain) return { kind: 'ADEQUACY', country, rule: plain };

  // A decision that covers only certified organizations (the U.S. DPF): the certification is
  // a basis only through the decision, so it is never counted as a stand-alone mechanism.
  const dependentTypes = new Set(adequacy.map((r) => r.requiresContractType).filter((t): t is string => !!t));
  for (const rule of adequacy) {
    if (!rule.requiresContractType || !ruleHolds(rule, at)) continue;
    const mechanism = mechanismOf(rule.requiresContractType);
    if (!mechanism || !windowHolds(mechanism, at)) continue;
    const usable = contracts.filter((c) => c.type === rule.requiresContractType && inForceAt(c, mechanisms, at));
    const best = preferred(usable);
    if (best) return { kind: 'CONTRACT', country, contract: best, mechanism, rule };
  }

  const covering = contracts.filter((c) => {
    const m = mechanismOf(c.type);
    return !!m && !dependentTypes.has(c.type) && covers(m, country) && inForceAt(c, mechanisms, at);
  });
  const best = preferred(covering);
  if (best) return { kind: 'CONTRACT', country, contract: best, mechanism: mechanismOf(best.type)!, rule: null };

  return deniedCountry(country, contracts, rules, adequacy, dependentTypes, mechanisms, at);
}

interface Diagnosis<C> {
  contract: C;
  /** Lower is closer to being a basis: 1 in force but not valid in law, 2 not yet effective, 3 ended, 4 malformed, 5 unsigned. */
  rank: number;
  text: string;
  end: number;
  code: TransferDenialReason;
  date: Date | null;
  dateKind: DenialDateKind | null;
}

type Problem = Omit<Diagnosis<never>, 'contract'>;

const problem = (rank: number, text: string, code: TransferDenialReason, date: Date | null = null, dateKind: DenialDateKind | null = null, end = 0): Problem => ({
  rank,
  text,
  end,
  code,
  date,
  dateKind,
});

function deniedCountry<C extends GateContract>(
  country: string,
  contracts: C[],
  rules: JurisdictionRuleData[],
  adequacy: JurisdictionRuleData[],
  dependentTypes: Set<string>,
  mechanisms: TransferMechanismData[],
  at: number,
): Outcome<C> {
  const mechanismOf = (type: string) => mechanisms.find((m) => m && m.type === type) ?? null;
  const dependentInForce = adequacy.find((r) => r.requiresContractType && ruleHolds(r, at));
  const available = BASIS_PREFERENCE.filter((t) => {
    const m = mechanismOf(t);
    return !!m && !dependentTypes.has(t) && covers(m, country) && windowHolds(m, at);
  });
  const dependentType = dependentInForce?.requiresContractType;
  const dependentOpen = !!dependentType && !!mechanismOf(dependentType) && windowHolds(mechanismOf(dependentType)!, at);
  const remedies = dependentOpen ? [dependentType, ...available] : available;
  const outcome = (reason: string, contract: C | null, p: Pick<Problem, 'code' | 'date' | 'dateKind'>): Outcome<C> => ({
    kind: 'DENIED',
    country,
    contract,
    reason,
    denial: { reason: p.code, country, contract, date: p.date, dateKind: p.dateKind, remedies },
  });

  const relevant = contracts.filter((c) => {
    const m = mechanismOf(c.type);
    return dependentTypes.has(c.type) || (!!m && covers(m, country));
  });
  const diagnoses = relevant.map((c): Diagnosis<C> => ({ contract: c, ...diagnose(c, adequacy, mechanismOf(c.type), at) }));
  diagnoses.sort((a, b) => a.rank - b.rank || b.end - a.end || preference(a.contract) - preference(b.contract) || byEffectiveThenId(a.contract, b.contract));
  const closest = diagnoses[0];
  if (closest) return outcome(`${country}: ${closest.contract.type} contract ${refOf(closest.contract)} ${closest.text}`, closest.contract, closest);

  if (dependentInForce) {
    const type = dependentInForce.requiresContractType!;
    const label = Object.hasOwn(REQUIRED_CONTRACT_LABEL, type) ? REQUIRED_CONTRACT_LABEL[type] : type;
    return outcome(`${country}: no ${label} or contract in force`, null, { code: TransferDenialReason.NO_CONTRACT, date: null, dateKind: null });
  }
  const lapsed = rules.filter((r) => !ruleHolds(r, at));
  const notes = lapsed.map((r) => {
    const what = r.regime === 'EEA' ? 'EEA membership' : `adequacy decision ${r.legalAct ?? ''}`.trim();
    const from = ms(r.validFrom);
    if (from === null || at < from) return `${what} only from ${from === null ? 'an invalid date' : formatDay(r.validFrom)}`;
    return `${what} ended ${r.validUntil ? formatDay(r.validUntil) : 'an invalid date'}`;
  });
  const missing = available.length === 0 ? 'no transfer mechanism covers it' : `no ${orList(available)} contract in force`;
  const reason = `${country}: ${notes.length ? notes.join(', ') : 'third country'}; ${missing}`;
  const ended = lapsed.find((r) => r.regime === 'ADEQUACY' && (ms(r.validFrom) ?? Infinity) <= at);
  if (ended) return outcome(reason, null, { code: TransferDenialReason.ADEQUACY_ENDED, date: ended.validUntil, dateKind: DenialDateKind.ADEQUACY_VALID_UNTIL });
  if (available.length === 0) return outcome(reason, null, { code: TransferDenialReason.NO_MECHANISM_AVAILABLE, date: null, dateKind: null });
  return outcome(reason, null, { code: TransferDenialReason.NO_CONTRACT, date: null, dateKind: null });
}

/** Why a contract that could cover the country does not (its own dates, then its type's window, then a decision it depends on). */
function diagnose(c: GateContract, adequacy: JurisdictionRuleData[], m: TransferMechanismData | null, at: number): Problem {
  const own = contractProblem(c, at);
  if (own) return own;
  if (!m) return problem(4, 'has no transfer mechanism on record', TransferDenialReason.NO_MECHANISM_AVAILABLE);
  const window = windowIssue(m.validFrom, m.validUntil, m.legalAct, at);
  if (window) {
    return window.before
      ? problem(1, window.text, TransferDenialReason.CONTRACT_TYPE_NOT_YET_VALID, window.date, DenialDateKind.TYPE_VALID_FROM)
      : problem(1, window.text, TransferDenialReason.CONTRACT_TYPE_PAST_CUTOFF, window.date, DenialDateKind.TYPE_VALID_UNTIL);
  }
  const rule = adequacy.find((r) => r.requiresContractType === c.type);
  const ruleWindow = rule ? windowIssue(rule.validFrom, rule.validUntil, `adequacy decision ${rule.legalAct ?? ''}`.trim(), at) : null;
  if (ruleWindow) {
    return ruleWindow.before
      ? problem(1, ruleWindow.text, TransferDenialReason.CONTRACT_TYPE_NOT_YET_VALID, ruleWindow.date, DenialDateKind.ADEQUACY_VALID_FROM)
      : problem(1, ruleWindow.text, TransferDenialReason.ADEQUACY_ENDED, ruleWindow.date, DenialDateKind.ADEQUACY_VALID_UNTIL);
  }
  return problem(1, 'is not a valid basis', TransferDenialReason.CONTRACT_INVALID);
}

/**
 * Why a contract is not in force at `at` by its own dates, or null when it is. A row stored
 * TERMINATED is read by its terminatedAt like a scheduled termination (contractStatusAt()).
 */
function contractProblem(c: GateContract, at: number | null): Problem | null {
  const R = TransferDenialReason;
  if (at === null) return problem(4, 'cannot be checked without a valid instant', R.UNDECIDABLE);
  if (!c || typeof c !== 'object') return problem(4, 'is not a contract', R.CONTRACT_INVALID);
  if (c.status === ContractStatus.DRAFT) return problem(5, 'is not signed (DRAFT)', R.CONTRACT_UNSIGNED);
  if (c.status !== ContractStatus.SIGNED && c.status !== ContractStatus.TERMINATED) return problem(5, `is not signed (${String(c.status)})`, R.CONTRACT_UNSIGNED);
  if (c.status === ContractStatus.TERMINATED && (c.terminatedAt === null || c.terminatedAt === undefined)) {
    return problem(3, 'is terminated (TERMINATED)', R.CONTRACT_TERMINATED);
  }
  const signed = ms(c.signedAt);
  if (signed === null) return problem(4, `is marked ${c.status} but has no signature date`, R.CONTRACT_INVALID);
  if (at < signed) return problem(2, `is not yet signed (signature dated ${formatDay(new Date(signed))})`, R.CONTRACT_NOT_YET_EFFECTIVE, new Date(signed), DenialDateKind.SIGNED_AT);
  const from = ms(c.effectiveFrom);
  if (from === null) return problem(4, 'has no valid effective date', R.CONTRACT_INVALID);
  if (at < from) return problem(2, `is not yet effective (from ${formatDay(new Date(from))})`, R.CONTRACT_NOT_YET_EFFECTIVE, new Date(from), DenialDateKind.EFFECTIVE_FROM);
  const ended: { at: number; text: string; code: TransferDenialReason; kind: DenialDateKind }[] = [];
  for (const [value, verb] of [
    [c.expiresAt, 'expired'],
    [c.terminatedAt, 'terminated'],
  ] as const) {
    if (value === null || value === undefined) continue;
    const t = ms(value);
    if (t === null) return problem(4, `has an invalid ${verb === 'expired' ? 'expiry' : 'termination'} date`, R.CONTRACT_INVALID);
    if (t <= at) {
      const expired = verb === 'expired';
      ended.push({
        at: t,
        text: `${verb} ${formatDay(new Date(t))}`,
        code: expired ? R.CONTRACT_EXPIRED : R.CONTRACT_TERMINATED,
        kind: expired ? DenialDateKind.EXPIRES_AT : DenialDateKind.TERMINATED_AT,
      });
    }
  }
  if (ended.length > 0) {
    const first = ended.sort((a, b) => a.at - b.at)[0];
    return problem(3, first.text, first.code, new Date(first.at), first.kind, first.at);
  }
  return null;
}

/** contractInForce() on epoch milliseconds: the gate's contract test. */
function inForceAt(c: GateContract, mechanisms: readonly TransferMechanismData[], at: number): boolean {
  return contractInForce(c, mechanisms, new Date(at));
}

/** Why a legal window (a mechanism's, a decision's) does not hold at `at`: before it opens or since it closed. */
function windowIssue(from: Date | null, until: Date | null, act: string | null, at: number): { text: string; before: boolean; date: Date } | null {
  const suffix = act ? ` (${act})` : '';
  const f = ms(from);
  if (from != null && (f === null || at < f)) return { text: `is not a valid basis before ${formatDay(from)}${suffix}`, before: true, date: from };
  const u = ms(until);
  if (until != null && (u === null || at >= u)) return { text: `is no longer a valid basis since ${formatDay(until)}${suffix}`, before: false, date: until };
  return null;
}

function ruleHolds(r: JurisdictionRuleData, at: number): boolean {
  const from = ms(r.validFrom);
  const until = ms(r.validUntil);
  return from !== null && from <= at && (r.validUntil === null || r.validUntil === undefined || (until !== null && at < until));
}

function windowHolds(m: TransferMechanismData, at: number): boolean {
  return windowIssue(m.validFrom, m.validUntil, null, at) === null;
}

function covers(m: TransferMechanismData, country: string): boolean {
  return m.covers === '*' || (Array.isArray(m.covers) && m.covers.some((c) => norm(c) === country));
}

function preferred<C extends GateContract>(candidates: C[]): C | null {
  const sorted = [...candidates].sort((a, b) => preference(a) - preference(b) || endOf(b) - endOf(a) || byEffectiveThenId(a, b));
  return sorted[0] ?? null;
}

function preference(c: GateContract): number {
  const i = BASIS_PREFERENCE.indexOf(c.type);
  return i === -1 ? BASIS_PREFERENCE.length : i;
}

function endOf(c: GateContract): number {
  return Math.min(ms(c.expiresAt) ?? Infinity, ms(c.terminatedAt) ?? Infinity);
}

function byEffectiveThenId(a: GateContract, b: GateContract): number {
  return (ms(b.effectiveFrom) ?? 0) - (ms(a.effectiveFrom) ?? 0) || String(a.id).localeCompare(String(b.id));
}

/** "EEA (DE, FR)", "ADEQUACY (CH)", "SCC_2021 contract C-17 (BR, IN)"; the decisive basis first. */
function allowedReason<C extends GateContract>(outcomes: Outcome<C>[], primary: Outcome<C>): string {
  const keyOf = (o: Outcome<C>): unknown => (o.kind === 'CONTRACT' ? o.contract : o.kind);
  const groups = new Map<unknown, { label: string; countries: string[] }>();
  for (const o of outcomes) {
    const key = keyOf(o);
    const label = o.kind === 'CONTRACT' ? `${o.contract.type} contract ${refOf(o.contract)}` : o.kind;
    const group = groups.get(key) ?? { label, countries: [] };
    group.countries.push(o.country);
    groups.set(key, group);
  }
  const first = groups.get(keyOf(primary));
  const ordered = [...(first ? [first] : []), ...[...groups.values()].filter((g) => g !== first)];
  return ordered.map((g) => `${g.label} (${g.countries.join(', ')})`).join('; ');
}

/**
 * The earliest instant at which one of the bases used ends: an adequacy decision's or EEA
 * rule's validUntil, a mechanism's validUntil, a contract's expiry or a termination already on
 * record for the future (the contract stops being in force then).
 */
function earliestEnd<C extends GateContract>(outcomes: Outcome<C>[]): Date | null {
  let min = Infinity;
  const consider = (d: Date | null | undefined) => {
    const t = ms(d);
    if (t !== null && t < min) min = t;
  };
  for (const o of outcomes) {
    if (o.kind === 'DENIED') continue;
    if (o.kind === 'CONTRACT') {
      consider(o.contract.expiresAt);
      consider(o.contract.terminatedAt);
      consider(o.mechanism.validUntil);
    }
    if (o.rule) consider(o.rule.validUntil);
  }
  return Number.isFinite(min) ? new Date(min) : null;
}

function refOf(c: GateContract): string {
  return c.documentRef && c.documentRef.trim() !== '' ? c.documentRef : String(c.id);
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function norm(country: unknown): string {
  return typeof country === 'string' ? country.trim().toUpperCase() : '';
}

/** Epoch milliseconds, or null; accepts a Date of any realm (no instanceof). */
function ms(d: Date | string | null | undefined): number | null {
  if (d === null || d === undefined) return null;
  const t = typeof d === 'string' ? Date.parse(d) : typeof (d as Partial<Date>).getTime === 'function' ? Number(d.getTime()) : NaN;
  return Number.isFinite(t) ? t : null;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function day(value: unknown, where: string): Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || !DAY_RE.test(value)) throw new Error(`${where}: expected "YYYY-MM-DD" or null, got ${JSON.stringify(value)}`);
  const d = new Date(`${value}T00:00:00.000Z`);
  if (!Number.isFinite(d.getTime()) || d.toISOString().slice(0, 10) !== value) throw new Error(`${where}: ${value} is not a calendar date`);
  return d;
}

function countryCode(value: unknown, where: string): string {
  const code = countryCodeOf(value);
  if (code === null) throw new Error(`${where}: country must be an assigned ISO 3166-1 alpha-2 code, got ${JSON.stringify(value)}`);
  return code;
}

function optionalText(value: unknown, where: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new Error(`${where}: expected a string or null`);
  return value.trim() === '' ? null : value;
}

function coversFrom(value: unknown, where: string): string[] | '*' {
  if (typeof value !== 'string' && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
    throw new Error(`${where}: expected "*", a comma-separated list or an array of countries`);
  }
  const parsed = parseCovers(value);
  if (parsed !== '*') {
    if (parsed.length === 0) throw new Error(`${where}: covers no country`);
    parsed.forEach((c) => countryCode(c, where));
  }
  return parsed;
}
