import { ApolloServerPlugin } from '@apollo/server';
import { toGlobalId } from '../common/global-id';
import { RequestContext } from '../context/request-context';
import { Contract } from '../modules/contract/contract.entity';
import { contractsOfOrganizationReadable, gatesDeniedIn } from './personal-data';
import { CLOSING_DATES, GateDenial, TransferDecision, TransferDenialReason } from './transfer-gate';

/**
 * The answer's summary of closed transfer gates (issue #13): `extensions.transferGates`, one
 * entry per distributor gate that denied something in the answer, however many fields it
 * withheld, so that a page can show one banner instead of an error per field. Everything in it
 * is the gate's decision as the gate made it (transfer-gate.ts); nothing is decided again here
 * but what to suggest for the reason the gate gave.
 */

/** What would open the gate, as a machine reads it. */
export enum GateAction {
  SIGN_CONTRACT = 'SIGN_CONTRACT',
  RENEW_CONTRACT = 'RENEW_CONTRACT',
  NEW_CONTRACT_REQUIRED = 'NEW_CONTRACT_REQUIRED',
  WAIT_UNTIL_EFFECTIVE = 'WAIT_UNTIL_EFFECTIVE',
  CORRECT_CONTRACT = 'CORRECT_CONTRACT',
  CONTACT_VENDOR = 'CONTACT_VENDOR',
}

export interface TransferGateSummary {
  /** The distributor's global id. */
  distributorId: string;
  reason: TransferDenialReason;
  /** The country the reason is about, e.g. "IN". */
  country: string | null;
  /** The gate's sentence (names the contract): only for a reader of the distributor's contract data. */
  message: string | null;
  /** When the gate closed for this reason (an expiry, a termination, a cut-off, the end of a decision), if known and readable. */
  since: string | null;
  /** The contract concerned: only for a reader of the distributor's contract data. */
  contract: { id: string; type: string; documentRef: string | null; date: string | null; dateKind: string | null } | null;
  action: { code: GateAction; message: string };
}

const ACTION: Record<TransferDenialReason, GateAction> = {
  NO_CONTRACT: GateAction.NEW_CONTRACT_REQUIRED,
  CONTRACT_UNSIGNED: GateAction.SIGN_CONTRACT,
  CONTRACT_NOT_YET_EFFECTIVE: GateAction.WAIT_UNTIL_EFFECTIVE,
  CONTRACT_EXPIRED: GateAction.RENEW_CONTRACT,
  CONTRACT_TERMINATED: GateAction.NEW_CONTRACT_REQUIRED,
  CONTRACT_INVALID: GateAction.CORRECT_CONTRACT,
  CONTRACT_TYPE_NOT_YET_VALID: GateAction.WAIT_UNTIL_EFFECTIVE,
  CONTRACT_TYPE_PAST_CUTOFF: GateAction.NEW_CONTRACT_REQUIRED,
  ADEQUACY_ENDED: GateAction.NEW_CONTRACT_REQUIRED,
  PROCESSING_COUNTRY_WITHOUT_BASIS: GateAction.NEW_CONTRACT_REQUIRED,
  NO_MECHANISM_AVAILABLE: GateAction.CONTACT_VENDOR,
  COUNTRY_UNKNOWN: GateAction.CONTACT_VENDOR,
  UNDECIDABLE: GateAction.CONTACT_VENDOR,
};

/** "SCC_2021 or DPA contract", from the gate's remedies; never a contract's own data. */
function contractTypes(remedies: string[]): string {
  if (remedies.length === 0) return 'contract';
  const list = remedies.length === 1 ? remedies[0] : `${remedies.slice(0, -1).join(', ')} or ${remedies[remedies.length - 1]}`;
  return `${list} contract`;
}

/** The action for the gate's reason, with a sentence that names no contract (the same for every reader). */
export function actionFor(denial: GateDenial<unknown>): { code: GateAction; message: string } {
  const code = ACTION[denial.reason] ?? GateAction.CONTACT_VENDOR;
  const where = denial.country ? ` for ${denial.country}` : '';
  const wanted = `a ${contractTypes(denial.remedies)} in force${where}`;
  const messages: Record<GateAction, string> = {
    SIGN_CONTRACT: `Sign the draft contract with the vendor: once signed and effective, it opens the gate (or ${wanted}).`,
    RENEW_CONTRACT: `Renew the expired contract with the vendor: ${wanted} opens the gate.`,
    NEW_CONTRACT_REQUIRED:
      denial.reason === TransferDenialReason.PROCESSING_COUNTRY_WITHOUT_BASIS
        ? `Conclude ${wanted} with the vendor, or stop processing data there (the vendor admin updates the processing countries).`
        : `Conclude ${wanted} with the vendor.`,
    WAIT_UNTIL_EFFECTIVE: 'Nothing to do: the gate opens by itself when the contract becomes a valid basis.',
    CORRECT_CONTRACT: 'Ask the vendor to correct the contract on record: it cannot be read as a transfer basis.',
    CONTACT_VENDOR: 'Contact the vendor: no contract the distributor can sign opens the gate now.',
  };
  return { code, message: messages[code] };
}

/** One entry, with the contract data only for a reader of the distributor's contract data (the rule of Organization.transferBasis). */
export function gateSummary(ctx: RequestContext, distributorId: string, gate: TransferDecision<Contract>): TransferGateSummary | null {
  const denial = gate.denial;
  if (gate.allowed || !denial) return null;
  const readable = contractsOfOrganizationReadable(ctx, distributorId) === true;
  const c = readable ? denial.contract : null;
  const date = denial.date ? denial.date.toISOString() : null;
  return {
    distributorId: toGlobalId('Organization', distributorId),
    reason: denial.reason,
    country: denial.country,
    message: readable ? gate.reason : null,
    since: readable && denial.dateKind && CLOSING_DATES.has(denial.dateKind) ? date : null,
    contract: c ? { id: toGlobalId('Contract', c.id), type: c.type, documentRef: c.documentRef ?? null, date, dateKind: denial.dateKind } : null,
    action: actionFor(denial),
  };
}

/** The entries of this request's answer: one per gate that denied something, in the order the gates first denied. */
export function transferGateSummaries(ctx: RequestContext): TransferGateSummary[] {
  const gates = gatesDeniedIn(ctx);
  if (!gates) return [];
  return [...gates].map(([id, gate]) => gateSummary(ctx, id, gate)).filter((s): s is TransferGateSummary => s !== null);
}

/**
 * Adds `extensions.transferGates` to an answer in which a gate denied something; absent
 * otherwise, and when the answer was replaced by the answer bound's one error (nothing of it
 * was sent). Merged with the extensions other stages set.
 */
export function transferGateSummaryPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || contextValue.answerBound?.exceeded) return;
          const transferGates = transferGateSummaries(contextValue);
          if (transferGates.length === 0) return;
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, transferGates };
        },
      };
    },
  };
}
