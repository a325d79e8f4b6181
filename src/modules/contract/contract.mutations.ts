import { ContractStatus, ContractType, OrganizationKind } from '../../common/enums';
import { badInput, conflict, InputProblem } from '../../common/errors';
import { idArg } from '../../common/filters';
import { newId } from '../../common/ids';
import { inTransaction } from '../../common/transaction';
import { RequestContext } from '../../context/request-context';
import { reachableForUpdate } from '../../policy/reachable';
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

export async function signContract(ctx: RequestContext, input: SignContractInput): Promise<Contract> {
  const id = idArg('Contract', input.contractId, 'input.contractId');
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

export async function terminateContract(ctx: RequestContext, input: TerminateContractInput): Promise<Contract> {
  const id = idArg('Contract', input.contractId, 'input.contractId');
  return inTransaction(ctx.dataSource, async (manager) => {
    const contract = await reachableForUpdate(ctx, manager, Contract, id, 'Contract (input.contractId)');
    if (contract.status === ContractStatus.TERMINATED) throw conflict('the contract is already terminated, and stays so', { rule: 'contract.terminated_is_final' });
    if (contract.status !== ContractStatus.SIGNED) throw conflict('only a SIGNED contract can be terminated (a draft is simply never signed)', { rule: 'contract.terminate_signed_only' });
    if (contract.signedAt && input.terminatedAt < contract.signedAt) {
      throw badInput({ field: 'input.terminatedAt', message: 'must not be before the signature' });
    }
    contract.status = ContractStatus.TERMINATED;
    contract.terminatedAt = input.terminatedAt;
    await manager.update(Contract, { id }, { status: contract.status, terminatedAt: contract.terminatedAt });
    await recordWrite(manager, ctx, { action: 'contract.terminated', subjectType: 'Contract', subjectId: id });
    return contract;
  });
}
