import { Arg, Ctx, Field, Mutation, ObjectType, Resolver } from 'type-graphql';
import { RequestContext } from '../../context/request-context';
import { Contract } from './contract.entity';
import { CreateContractInput, SignContractInput, TerminateContractInput } from './contract.inputs';
import { createContract, signContract, terminateContract } from './contract.mutations';
import { contractById } from './contract.service';

@ObjectType({ description: 'The result of a contract write.' })
export class ContractPayload {
  @Field(() => Contract, { nullable: true, description: 'The contract, read back after the write.' }) contract: Contract | null;
}

/** Payloads are read back through the same reachable rows as every other path. */
async function payload(ctx: RequestContext, written: Contract): Promise<ContractPayload> {
  ctx.loaders.clearAll();
  return { contract: await contractById(ctx).load(written.id) };
}

/** Data-transfer contracts of distributors, which the transfer gate reads (VENDOR_ADMIN). */
@Resolver()
export class ContractMutationsResolver {
  @Mutation(() => ContractPayload, { nullable: true, description: 'A new DRAFT contract of a distributor (VENDOR_ADMIN).' })
  async createContract(@Ctx() ctx: RequestContext, @Arg('input', () => CreateContractInput, { description: 'The distributor, type and term.' }) input: CreateContractInput): Promise<ContractPayload> {
    return payload(ctx, await createContract(ctx, input));
  }

  @Mutation(() => ContractPayload, { nullable: true, description: 'Signs a DRAFT contract (VENDOR_ADMIN); the gate sees it on the next request.' })
  async signContract(@Ctx() ctx: RequestContext, @Arg('input', () => SignContractInput, { description: 'The contract and when it was signed.' }) input: SignContractInput): Promise<ContractPayload> {
    return payload(ctx, await signContract(ctx, input));
  }

  @Mutation(() => ContractPayload, { nullable: true, description: 'Terminates a SIGNED contract (VENDOR_ADMIN); final.' })
  async terminateContract(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => TerminateContractInput, { description: 'The contract and when it ends.' }) input: TerminateContractInput,
  ): Promise<ContractPayload> {
    return payload(ctx, await terminateContract(ctx, input));
  }
}
