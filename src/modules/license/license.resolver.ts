import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
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
import { LicenseFilter } from './license.inputs';
import { licenseById, listLicenses, PRODUCT, SEATS_USED, seatsUsed } from './license.service';
import { companionOf } from '../../common/sql';

export const ActivationConnection = ConnectionOf(Activation);
const LicenseConnectionType = ConnectionOf(License);

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
