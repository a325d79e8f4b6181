import { Arg, Ctx, Field, Mutation, ObjectType, Resolver } from 'type-graphql';
import { RequestContext } from '../../context/request-context';
import { Activation } from './activation.entity';
import { ActivateLicenseInput, DeactivateActivationInput } from './activation.inputs';
import { activateLicense, deactivateActivation } from './activation.mutations';
import { activationById } from './activation.service';

@ObjectType({ description: 'The result of an activation write.' })
export class ActivationPayload {
  @Field(() => Activation, { nullable: true, description: 'The activation, read back after the write.' }) activation: Activation | null;
}

/** Payloads are read back through the reachable rows, after the write. */
async function activationPayload(ctx: RequestContext, written: Activation): Promise<ActivationPayload> {
  ctx.loaders.clearAll();
  return { activation: await activationById(ctx).load(written.id) };
}

/** Activations of licenses on customers' computers (docs/access-policy.md, Mutations). */
@Resolver()
export class ActivationMutationsResolver {
  @Mutation(() => ActivationPayload, { nullable: true, description: "Activates an allocated license on a customer's computer, within its seats; idempotent." })
  async activateLicense(@Ctx() ctx: RequestContext, @Arg('input', () => ActivateLicenseInput, { description: 'The license and the computer.' }) input: ActivateLicenseInput) {
    return activationPayload(ctx, await activateLicense(ctx, input));
  }

  @Mutation(() => ActivationPayload, { nullable: true, description: 'Ends an activation and frees its seat.' })
  async deactivateActivation(@Ctx() ctx: RequestContext, @Arg('input', () => DeactivateActivationInput, { description: 'The activation to end.' }) input: DeactivateActivationInput) {
    return activationPayload(ctx, await deactivateActivation(ctx, input));
  }
}
