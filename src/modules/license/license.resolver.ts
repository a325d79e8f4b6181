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
import { LICENSE_ORDERS, LicenseFilter } from './license.inputs';
import { OrderInput } from '../../common/ordering';
import { licenseById, listLicenses, PRODUCT, SEATS_USED, seatsUsed } from './license.service';
import { companionOf } from '../../common/sql';

export const ActivationConnection = ConnectionOf(Activation);
const LicenseConnectionType = ConnectionOf(License);

@Resolver(() => License)
export class LicenseResolver {
  @Query(() => License, { nullable: true, description: 'A license by its global id; null with NOT_FOUND if it is unknown or the viewer cannot reach it.' })
  async license(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'The global id of a License.' }) id: string): Promise<License> {
    const key = fromGlobalIdOf('License', id);
    const license = key ? await licenseById(ctx).load(key) : null;
    if (!license) throw notFound('License');
    return license;
  }

  @Query(() => LicenseConnectionType, { description: 'The licenses the viewer reaches (LICENSE_LIST: API keys need licenses:read).' })
  licenses(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => LicenseFilter, { nullable: true, description: 'Narrows the list; absent: all the viewer reaches.' }) filter: LicenseFilter | null,
    @Args(() => PageArgsInput) page: PageArgsInput,
    @Arg('orderBy', () => LICENSE_ORDERS.input, { nullable: true, description: 'The order of the rows (ties broken by id); absent: by id.' })
    orderBy: OrderInput<keyof typeof LICENSE_ORDERS.field> | null,
  ) {
    return listLicenses(ctx, filter, pageArgs(page, BY_ID, LICENSE_ORDERS.ordering('licenses', orderBy, ctx.now)));
  }

  @FieldResolver(() => LicenseStatus, { description: 'EXPIRED is derived from validUntil at the instant of the request.' })
  status(@Ctx() ctx: RequestContext, @Root() license: License): LicenseStatus {
    return licenseStatus(license, ctx.now);
  }

  @FieldResolver(() => Int, { description: 'How many of its seats are in use: its active activations.' })
  seatsUsed(@Ctx() ctx: RequestContext, @Root() license: License) {
    const counted = companionOf<unknown>(license, SEATS_USED);
    return counted === undefined || counted === null ? seatsUsed(ctx, license.id) : Number(counted);
  }

  @FieldResolver(() => Product, { description: 'The product licensed.' })
  product(@Ctx() ctx: RequestContext, @Root() license: License) {
    return companionOf<Product>(license, PRODUCT) ?? productById(ctx).load(license.productId);
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The distributor that holds the license.' })
  distributor(@Ctx() ctx: RequestContext, @Root() license: License) {
    return organizationById(ctx).load(license.distributorId);
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The customer it is allocated to; null while REGISTERED.' })
  customer(@Ctx() ctx: RequestContext, @Root() license: License) {
    return license.customerId ? organizationById(ctx).load(license.customerId) : null;
  }

  @FieldResolver(() => PortalUser, {
    nullable: true,
    description: 'The licensee person, if the license names one. Personal data (PERSONAL): null with FORBIDDEN, or with TRANSFER_BASIS_REQUIRED for a distributor whose transfer gate is closed.',
  })
  licensee(@Ctx() ctx: RequestContext, @Root() license: License) {
    return license.licenseeId ? userById(ctx).load(license.licenseeId) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The key that installs the license (SECRET): VENDOR_ADMIN, VENDOR_STAFF, the holding distributor's users and the allocated customer's CUSTOMER_ADMIN; API keys need activation_keys:read. Null with FORBIDDEN for others.",
  })
  activationKey(@Ctx() ctx: RequestContext, @Root() license: License): string {
    return ctx.secrets.open(license.activationKeyCipher);
  }

  @FieldResolver(() => ActivationConnection, { description: 'Its activations, active and ended.' })
  activations(@Ctx() ctx: RequestContext, @Root() license: License, @Args(() => PageArgsInput) page: PageArgsInput) {
    return activationsOfLicense(ctx, license.id, pageArgs(page, BY_ID));
  }
}
