import { Arg, Args, Ctx, Field, FieldResolver, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { PageArgsInput } from '../../common/page-args';
import { ConnectionOf, pageArgs } from '../../common/pagination';
import { RequestContext } from '../../context/request-context';
import { BY_ID } from '../../policy/reachable';
import { ContractStatus } from '../../common/enums';
import { jurisdictionData } from '../../policy/gate.service';
import { contractInForce, contractStatusAt } from '../../policy/transfer-gate';
import { Organization } from '../organization/organization.entity';
import { organizationById } from '../organization/organization.service';
import { Contract } from './contract.entity';
import { ContractFilter, CreateContractInput, SignContractInput, TerminateContractInput } from './contract.inputs';
import { createContract, signContract, terminateContract } from './contract.mutations';
import { contractById, listContracts } from './contract.service';

const ContractConnection = ConnectionOf(Contract);

@ObjectType()
export class ContractPayload {
  @Field(() => Contract, { nullable: true }) contract: Contract | null;
}

/** Payloads are read back through the same reachable rows as every other path. */
async function payload(ctx: RequestContext, written: Contract): Promise<ContractPayload> {
  ctx.loaders.clearAll();
  return { contract: await contractById(ctx).load(written.id) };
}

@Resolver(() => Contract)
export class ContractResolver {
  @Query(() => ContractConnection)
  contracts(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => ContractFilter, { nullable: true }) filter: ContractFilter | null,
    @Args(() => PageArgsInput) page: PageArgsInput,
  ) {
    return listContracts(ctx, filter, pageArgs(page.first, page.after, BY_ID.length));
  }

  @Mutation(() => ContractPayload, { nullable: true, description: 'A new DRAFT contract of a distributor (VENDOR_ADMIN).' })
  async createContract(@Ctx() ctx: RequestContext, @Arg('input', () => CreateContractInput) input: CreateContractInput): Promise<ContractPayload> {
    return payload(ctx, await createContract(ctx, input));
  }

  @Mutation(() => ContractPayload, { nullable: true, description: 'Signs a DRAFT contract (VENDOR_ADMIN); the gate sees it on the next request.' })
  async signContract(@Ctx() ctx: RequestContext, @Arg('input', () => SignContractInput) input: SignContractInput): Promise<ContractPayload> {
    return payload(ctx, await signContract(ctx, input));
  }

  @Mutation(() => ContractPayload, { nullable: true, description: 'Terminates a SIGNED contract (VENDOR_ADMIN); final.' })
  async terminateContract(@Ctx() ctx: RequestContext, @Arg('input', () => TerminateContractInput) input: TerminateContractInput): Promise<ContractPayload> {
    return payload(ctx, await terminateContract(ctx, input));
  }

  @FieldResolver(() => Organization, { nullable: true })
  distributor(@Ctx() ctx: RequestContext, @Root() contract: Contract) {
    return organizationById(ctx).load(contract.distributorId);
  }

  @FieldResolver(() => ContractStatus)
  status(@Ctx() ctx: RequestContext, @Root() contract: Contract): ContractStatus {
    return contractStatusAt(contract, ctx.now);
  }

  @FieldResolver(() => Boolean, {
    description: "In force at the instant of the request (derived, never stored): the transfer gate's own test, including the type's legal window.",
  })
  async inForce(@Ctx() ctx: RequestContext, @Root() contract: Contract): Promise<boolean> {
    return contractInForce(contract, (await jurisdictionData(ctx)).mechanisms, ctx.now);
  }
}
