import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
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
import { ContractFilter } from './contract.inputs';
import { listContracts } from './contract.service';

const ContractConnection = ConnectionOf(Contract);

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
