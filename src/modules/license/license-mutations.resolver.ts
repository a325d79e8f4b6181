import { Arg, Ctx, Field, Mutation, ObjectType, Resolver } from 'type-graphql';
import { RequestContext } from '../../context/request-context';
import { License } from './license.entity';
import { AllocateLicenseInput, RegisterLicensesInput, RenewLicenseInput, RevokeLicenseInput } from './license.inputs';
import { allocateLicense, registerLicenses, renewLicense, revokeLicense } from './license.mutations';
import { licenseById } from './license.service';

@ObjectType({ description: 'The result of a write of one or many licenses.' })
export class LicensesPayload {
  @Field(() => [License], { description: 'The licenses written, in the order of the input, read back after the write.' }) licenses: License[];
}

@ObjectType({ description: 'The result of a license write.' })
export class LicensePayload {
  @Field(() => License, { nullable: true, description: 'The license, read back after the write.' }) license: License | null;
}

/** Payloads are read back through the reachable rows, after the write. */
async function licensesPayload(ctx: RequestContext, written: License[]): Promise<LicensesPayload> {
  ctx.loaders.clearAll();
  const rows = await licenseById(ctx).loadMany(written.map((l) => l.id));
  return { licenses: rows.filter((r): r is License => r instanceof License) };
}

/** Registration, allocation and revocation of licenses (docs/access-policy.md, Mutations). */
@Resolver()
export class LicenseMutationsResolver {
  @Mutation(() => LicensesPayload, { nullable: true, description: 'VENDOR_ADMIN: 1..1000 new licenses held by a distributor, each with a fresh activation key.' })
  async registerLicenses(@Ctx() ctx: RequestContext, @Arg('input', () => RegisterLicensesInput, { description: 'The product, distributor, count, seats and term.' }) input: RegisterLicensesInput) {
    return licensesPayload(ctx, await registerLicenses(ctx, input));
  }

  @Mutation(() => LicensesPayload, { nullable: true, description: 'Allocates one or many REGISTERED licenses to a customer (all or nothing).' })
  async allocateLicense(@Ctx() ctx: RequestContext, @Arg('input', () => AllocateLicenseInput, { description: 'The licenses, the customer and optionally the licensee.' }) input: AllocateLicenseInput) {
    return licensesPayload(ctx, await allocateLicense(ctx, input));
  }

  @Mutation(() => LicensePayload, { nullable: true, description: 'VENDOR_ADMIN: revokes a license and ends its active activations.' })
  async revokeLicense(@Ctx() ctx: RequestContext, @Arg('input', () => RevokeLicenseInput, { description: 'The license and why.' }) input: RevokeLicenseInput): Promise<LicensePayload> {
    const license = await revokeLicense(ctx, input);
    ctx.loaders.clearAll();
    return { license: await licenseById(ctx).load(license.id) };
  }

  @Mutation(() => LicensePayload, { nullable: true, description: 'VENDOR_ADMIN: renews or extends a license: a later validUntil (audited as license.renewed).' })
  async renewLicense(@Ctx() ctx: RequestContext, @Arg('input', () => RenewLicenseInput, { description: 'The license and its new end of term.' }) input: RenewLicenseInput): Promise<LicensePayload> {
    const license = await renewLicense(ctx, input);
    ctx.loaders.clearAll();
    return { license: await licenseById(ctx).load(license.id) };
  }
}
