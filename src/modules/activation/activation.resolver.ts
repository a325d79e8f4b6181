import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../../context/request-context';
import { Computer } from '../computer/computer.entity';
import { computerById } from '../computer/computer.service';
import { License } from '../license/license.entity';
import { licenseById } from '../license/license.service';
import { PortalUser } from '../user/portal-user.entity';
import { userById } from '../user/user.service';
import { Activation } from './activation.entity';
import { COMPUTER } from './activation.service';
import { companionOf } from '../../common/sql';

@Resolver(() => Activation)
export class ActivationResolver {
  @FieldResolver(() => License, { nullable: true })
  license(@Ctx() ctx: RequestContext, @Root() activation: Activation) {
    return licenseById(ctx).load(activation.licenseId);
  }

  @FieldResolver(() => Computer, { nullable: true })
  computer(@Ctx() ctx: RequestContext, @Root() activation: Activation) {
    const joined = companionOf<Computer>(activation, COMPUTER);
    return joined === undefined ? computerById(ctx).load(activation.computerId) : joined;
  }

  @FieldResolver(() => PortalUser, { nullable: true, description: 'The person who activated (personal data).' })
  activatedBy(@Ctx() ctx: RequestContext, @Root() activation: Activation) {
    return activation.activatedById ? userById(ctx).load(activation.activatedById) : null;
  }
}
