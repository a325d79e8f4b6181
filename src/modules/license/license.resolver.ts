import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { LicenseStatus } from '../../common/enums';
import { notFound } from '../../common/errors';
import { fromGlobalIdOf } from '../../common/global-id';
import { PageArgsInput } from '../../common/page-args';
import { ConnectionOf, pageArgs } from '../../common/pagination';
import { RequestContext } from '../../context/request-context';
import { BY_ID } from '../../policy/reachable';
import { Activation } from '../activation/activation.entity';
import { activationsOfLicense } from '../activation/activation.service';
import { Organization } from '../organization/organization.entity';
import { organizationById } from '../organization/organization.service';
import { Product } from '../product/product.entity';
import { productById } from '../product/product.service';
import { PortalUser } from '../user/portal-user.entity';
import { userById } from '../user/user.service';
import { License, licenseStatus } from './license.entity';
import { ActivateLicenseInput, AllocateLicenseInput, DeactivateActivationInput, LicenseFilter, RegisterLicensesInput, RevokeLicenseInput } from './license.inputs';
import { allocateLicense, registerLicenses, revokeLicense } from './license.mutations';
import { activateLicense, deactivateActivation } from '../activation/activation.mutations';
import { activationById } from '../activation/activation.service';
import { licenseById, listLicenses, PRODUCT, SEATS_USED, seatsUsed } from './license.service';
import { companionOf } from '../../common/sql';

export const ActivationConnection = ConnectionOf(Activation);
const LicenseConnectionType = ConnectionOf(License);

@ObjectType()
export class LicensesPayload {
  @Field(() => [License], { description: 'The licenses written, in the order of the input.' }) licenses: License[];
}

@ObjectType()
export class LicensePayload {
  @Field(() => License, { nullable: true }) license: License | null;
}

@ObjectType()
export class ActivationPayload {
  @Field(() => Activation, { nullable: true }) activation: Activation | null;
}

/** Payloads are read back through the reachable rows, after the write. */
async function licensesPayload(ctx: RequestContext, written: License[]): Promise<LicensesPayload> {
  ctx.loaders.clearAll();
  const rows = await licenseById(ctx).loadMany(written.map((l) => l.id));
  return { licenses: rows.filter((r): r is License => r instanceof License) };
}

async function activationPayload(ctx: RequestContext, written: Activation): Promise<ActivationPayload> {
  ctx.loaders.clearAll();
  return { activation: await activationById(ctx).load(written.id) };
}

@Resolver(() => License)
export class LicenseResolver {
  @Query(() => License, { nullable: true })
  async license(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<License> {
    const key = fromGlobalIdOf('License', id);
    const license = key ? await licenseById(ctx).load(key) : null;
    if (!license) throw notFound('License');
    return license;
  }

  @Query(() => LicenseConnectionType)
  licenses(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => LicenseFilter, { nullable: true }) filter: LicenseFilter | null,
    @Args(() => PageArgsInput) page: PageArgsInput,
  ) {
    return listLicenses(ctx, filter, pageArgs(page.first, page.after, BY_ID.length));
  }

  @Mutation(() => LicensesPayload, { nullable: true, description: 'VENDOR_ADMIN: 1..1000 new licenses held by a distributor, each with a fresh activation key.' })
  async registerLicenses(@Ctx() ctx: RequestContext, @Arg('input', () => RegisterLicensesInput) input: RegisterLicensesInput) {
    return licensesPayload(ctx, await registerLicenses(ctx, input));
  }

  @Mutation(() => LicensesPayload, { nullable: true, description: 'Allocates one or many REGISTERED licenses to a customer (all or nothing).' })
  async allocateLicense(@Ctx() ctx: RequestContext, @Arg('input', () => AllocateLicenseInput) input: AllocateLicenseInput) {
    return licensesPayload(ctx, await allocateLicense(ctx, input));
  }

  @Mutation(() => LicensePayload, { nullable: true, description: 'VENDOR_ADMIN: revokes a license and ends its active activations.' })
  async revokeLicense(@Ctx() ctx: RequestContext, @Arg('input', () => RevokeLicenseInput) input: RevokeLicenseInput): Promise<LicensePayload> {
    const license = await revokeLicense(ctx, input);
    ctx.loaders.clearAll();
    return { license: await licenseById(ctx).load(license.id) };
  }

  @Mutation(() => ActivationPayload, { nullable: true, description: "Activates an allocated license on a customer's computer, within its seats; idempotent." })
  async activateLicense(@Ctx() ctx: RequestContext, @Arg('input', () => ActivateLicenseInput) input: ActivateLicenseInput) {
    return activationPayload(ctx, await activateLicense(ctx, input));
  }

  @Mutation(() => ActivationPayload, { nullable: true, description: 'Ends an activation and frees its seat.' })
  async deactivateActivation(@Ctx() ctx: RequestContext, @Arg('input', () => DeactivateActivationInput) input: DeactivateActivationInput) {
    return activationPayload(ctx, await deactivateActivation(ctx, input));
  }

  @FieldResolver(() => LicenseStatus, { description: 'EXPIRED is derived from validUntil at the instant of the request.' })
  status(@Ctx() ctx: RequestContext, @Root() license: License): LicenseStatus {
    return licenseStatus(license, ctx.now);
  }

  @FieldResolver(() => Int, { description: 'Active activations.' })
  seatsUsed(@Ctx() ctx: RequestContext, @Root() license: License) {
    const counted = companionOf<unknown>(license, SEATS_USED);
    return counted === undefined || counted === null ? seatsUsed(ctx, license.id) : Number(counted);
  }

  @FieldResolver(() => Product)
  product(@Ctx() ctx: RequestContext, @Root() license: License) {
    return companionOf<Product>(license, PRODUCT) ?? productById(ctx).load(license.productId);
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The distributor that holds the license.' })
  distributor(@Ctx() ctx: RequestContext, @Root() license: License) {
    return organizationById(ctx).load(license.distributorId);
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The customer it is allocated to.' })
  customer(@Ctx() ctx: RequestContext, @Root() license: License) {
    return license.customerId ? organizationById(ctx).load(license.customerId) : null;
  }

  @FieldResolver(() => PortalUser, { nullable: true, description: 'The licensee person, if the license names one.' })
  licensee(@Ctx() ctx: RequestContext, @Root() license: License) {
    return license.licenseeId ? userById(ctx).load(license.licenseeId) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'A secret: shown only to those who may install the license.' })
  activationKey(@Ctx() ctx: RequestContext, @Root() license: License): string {
    return ctx.secrets.open(license.activationKeyCipher);
  }

  @FieldResolver(() => ActivationConnection)
  activations(@Ctx() ctx: RequestContext, @Root() license: License, @Args(() => PageArgsInput) page: PageArgsInput) {
    return activationsOfLicense(ctx, license.id, pageArgs(page.first, page.after, BY_ID.length));
  }
}
