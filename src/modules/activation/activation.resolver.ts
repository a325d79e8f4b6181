import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { PageArgsInput } from '../../common/page-args';
import { ConnectionOf, pageArgs } from '../../common/pagination';
import { BY_ID } from '../../policy/reachable';
import { RequestContext } from '../../context/request-context';
import { Computer } from '../computer/computer.entity';
import { computerById } from '../computer/computer.service';
import { License } from '../license/license.entity';
import { licenseById } from '../license/license.service';
import { PortalUser } from '../user/portal-user.entity';
import { userById } from '../user/user.service';
import { Activation } from './activation.entity';
import { ACTIVATION_ORDERS, ActivationFilter } from './activation.inputs';
import { OrderInput } from '../../common/ordering';
import { COMPUTER, listActivations } from './activation.service';
import { companionOf } from '../../common/sql';

const ActivationConnection = ConnectionOf(Activation);

@Resolver(() => Activation)
export class ActivationResolver {
  @Query(() => ActivationConnection, {
    description:
      "The activations the viewer reaches, across licenses and customers (LICENSE_LIST: API keys need licenses:read). activatedBy and the computer's name and hostId follow their own rules.",
  })
  activations(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => ActivationFilter, { nullable: true, description: 'Narrows the list; absent: all the viewer reaches.' }) filter: ActivationFilter | null,
    @Args(() => PageArgsInput) page: PageArgsInput,
    @Arg('orderBy', () => ACTIVATION_ORDERS.input, { nullable: true, description: 'The order of the rows (ties broken by id); absent: by id.' })
    orderBy: OrderInput<keyof typeof ACTIVATION_ORDERS.field> | null,
  ) {
    return listActivations(ctx, filter, pageArgs(page, BY_ID, ACTIVATION_ORDERS.ordering('activations', orderBy, ctx.now)));
  }

  @FieldResolver(() => License, { nullable: true, description: 'The license activated (null only if the viewer cannot reach it).' })
  license(@Ctx() ctx: RequestContext, @Root() activation: Activation) {
    return licenseById(ctx).load(activation.licenseId);
  }

  @FieldResolver(() => Computer, { nullable: true, description: 'The computer it is activated on (null only if the viewer cannot reach it).' })
  computer(@Ctx() ctx: RequestContext, @Root() activation: Activation) {
    const joined = companionOf<Computer>(activation, COMPUTER);
    return joined === undefined ? computerById(ctx).load(activation.computerId) : joined;
  }

  @FieldResolver(() => PortalUser, {
    nullable: true,
    description: 'The person who activated. Personal data (PERSONAL): null with FORBIDDEN, or with TRANSFER_BASIS_REQUIRED for a distributor whose transfer gate is closed.',
  })
  activatedBy(@Ctx() ctx: RequestContext, @Root() activation: Activation) {
    return activation.activatedById ? userById(ctx).load(activation.activatedById) : null;
  }
}
