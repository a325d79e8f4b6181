import { ContractStatus, ContractType, OrganizationKind } from '../../common/enums';
import { badInput, conflict, InputProblem } from '../../common/errors';
import { idArg } from '../../common/filters';
import { newId } from '../../common/ids';
import { inTransaction } from '../../common/transaction';
import { RequestContext } from '../../context/request-context';
import { jurisdictionData } from '../../policy/gate.service';
import { reachableForUpdate } from '../../policy/reachable';
import { contractStatusAt, formatDay, TransferMechanismData } from '../../policy/transfer-gate';
import { recordWrite } from '../audit/audit.writer';
import { Organization } from '../organization/organization.entity';
import { Contract } from './contract.entity';
import { CreateContractInput, SignContractInput, TerminateContractInput } from './contract.inputs';

const MAX_DOCUMENT_REF = 120;

export async function createContract(ctx: RequestContext, input: CreateContractInput): Promise<Contract> {
  const distributorId = idArg('Organization', input.distributorId, 'input.distributorId');
  const problems: InputProblem[] = [];
  if (input.expiresAt && input.expiresAt < input.effectiveFrom) problems.push({ field: 'input.expiresAt', message: 'must not be before effectiveFrom' });
  if (input.type === ContractType.DPF_CERTIFICATION && !input.expiresAt) {
    problems.push({ field: 'input.expiresAt', message: 'is required for a DPF certification, which is renewed yearly' });
  }
  if (input.documentRef != null && (input.documentRef.trim() === '' || input.documentRef.length > MAX_DOCUMENT_REF)) {
    problems.push({ field: 'input.documentRef', message: `must be 1 to ${MAX_DOCUMENT_REF} characters` });
  }
  if (problems.length) throw badInput(problems);
  const typeProblem = legalWindowProblem((await jurisdictionData(ctx)).mechanisms, input);
  if (typeProblem) throw badInput({ field: 'input.type', message: typeProblem });
  return inTransaction(ctx.dataSource, async (manager) => {
    const distributor = await reachableForUpdate(ctx, manager, Organization, distributorId, 'Organization (input.distributorId)');
    if (distributor.kind !== OrganizationKind.DISTRIBUTOR) throw badInput({ field: 'input.distributorId', message: 'is not a distributor' });
    const contract = manager.create(Contract, {
      id: newId(ctx.now),
      distributorId,
      type: input.type,
      status: ContractStatus.DRAFT,
      signedAt: null,
      effectiveFrom: input.effectiveFrom,
      expiresAt: input.expiresAt ?? null,
      terminatedAt: null,
      documentRef: input.documentRef?.trim() ?? null,
      createdAt: ctx.now,
    });
    await manager.insert(Contract, contract);
    await recordWrite(manager, ctx, { action: 'contract.created', subjectType: 'Contract', subjectId: contract.id, detail: { type: input.type, distributorId } });
    return contract;
  });
}

/**
 * A contract whose whole term falls outside its type's legal window (transfer_mechanism) could
 * never be in force: an SCC_2010 effective from 2022-12-27 on, a PRIVACY_SHIELD from 2020-07-16
 * on, a DPF certification that expires before 2023-07-10. Recording an old contract for its
 * past term stays possible. The cut-offs are read from the jurisdiction facts, not written here.
 */
function legalWindowProblem(mechanisms: readonly TransferMechanismData[], input: CreateContractInput): string | null {
  const m = mechanisms.find((x) => x.type === String(input.type));
  if (!m) return `${input.type} has no transfer mechanism on record: it cannot be a transfer basis`;
  const act = m.legalAct ? ` (${m.legalAct})` : '';
  if (m.validUntil && input.effectiveFrom.getTime() >= m.validUntil.getTime()) {
    return `${input.type} is no longer a valid transfer basis since ${formatDay(m.validUntil)}${act}: a contract effective ${formatDay(input.effectiveFrom)} would never be in force`;
  }
  if (m.validFrom && input.expiresAt && input.expiresAt.getTime() <= m.validFrom.getTime()) {
    return `${input.type} is a valid transfer basis only from ${formatDay(m.validFrom)}${act}: a contract expiring ${formatDay(input.expiresAt)} would never be in force`;
  }
  return null;
}

/**
 * Records a signature that has been made: signedAt after the request's instant is refused (no
 * clock skew is tolerated; the gate would otherwise count a signature that does not exist yet).
 */
export async function signContract(ctx: RequestContext, input: SignContractInput): Promise<Contract> {
  const id = idArg('Contract', input.contractId, 'input.contractId');
  if (input.signedAt.getTime() > ctx.now.getTime()) {
    throw badInput({ field: 'input.signedAt', message: `must not be in the future (after ${ctx.now.toISOString()}, the instant of the request)` });
  }
  return inTransaction(ctx.dataSource, async (manager) => {
    const contract = await reachableForUpdate(ctx, manager, Contract, id, 'Contract (input.contractId)');
    if (contract.status !== ContractStatus.DRAFT) throw conflict(`only a DRAFT contract can be signed (this one is ${contract.status})`, { rule: 'contract.sign_draft_only' });
    contract.status = ContractStatus.SIGNED;
    contract.signedAt = input.signedAt;
    await manager.update(Contract, { id }, { status: contract.status, signedAt: contract.signedAt });
    await recordWrite(manager, ctx, { action: 'contract.signed', subjectType: 'Contract', subjectId: id });
    return contract;
  });
}

/**
 * Terminates a SIGNED contract at terminatedAt. A date in the future schedules the termination:
 * the row stays SIGNED with terminatedAt set, the contract is in force (and the gate open) until
 * that instant and TERMINATED from it on (contractStatusAt). A scheduled termination may be
 * brought forward, never postponed or withdrawn; once it has taken effect it is final.
 */
export async function terminateContract(ctx: RequestContext, input: TerminateContractInput): Promise<Contract> {
  const id = idArg('Contract', input.contractId, 'input.contractId');
  return inTransaction(ctx.dataSource, async (manager) => {
    const contract = await reachableForUpdate(ctx, manager, Contract, id, 'Contract (input.contractId)');
    if (contractStatusAt(contract, ctx.now) === ContractStatus.TERMINATED) {
      throw conflict('the contract is already terminated, and stays so', { rule: 'contract.terminated_is_final' });
    }
    // Stored TERMINATED with a later terminatedAt (written so by earlier versions) is a scheduled termination too.
    if (contract.status !== ContractStatus.SIGNED && contract.status !== ContractStatus.TERMINATED) {
      throw conflict('only a SIGNED contract can be terminated (a draft is simply never signed)', { rule: 'contract.terminate_signed_only' });
    }
    if (contract.signedAt && input.terminatedAt < contract.signedAt) {
      throw badInput({ field: 'input.terminatedAt', message: 'must not be before the signature' });
    }
    if (contract.terminatedAt && input.terminatedAt.getTime() >= contract.terminatedAt.getTime()) {
      throw conflict(`a termination is already scheduled for ${contract.terminatedAt.toISOString()}: it can be brought forward, not postponed`, {
        rule: 'contract.termination_scheduled',
      });
    }
    const scheduled = input.terminatedAt.getTime() > ctx.now.getTime();
    contract.status = scheduled ? ContractStatus.SIGNED : ContractStatus.TERMINATED;
    contract.terminatedAt = input.terminatedAt;
    await manager.update(Contract, { id }, { status: contract.status, terminatedAt: contract.terminatedAt });
    await recordWrite(manager, ctx, {
      action: 'contract.terminated',
      subjectType: 'Contract',
      subjectId: id,
      detail: { terminatedAt: input.terminatedAt.toISOString(), scheduled },
    });
    return contract;
  });
}
