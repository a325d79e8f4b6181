import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../../context/request-context';
import { Organization } from '../organization/organization.entity';
import { Product } from '../product/product.entity';
import { productById } from '../product/product.service';
import { licenseSummary, licenseSummaryOf } from './license-summary.service';
import { LicenseSummary, ProductLicenseSummary } from './license-summary.type';

const WINDOW = 'The window of expiringSoon in days (0..3650), from the instant of the request; absent or null: 30.';

@Resolver()
export class LicenseSummaryResolver {
  @Query(() => LicenseSummary, { description: 'Counts over every license the viewer reaches, in one statement (LICENSE_LIST: API keys need licenses:read).' })
  licenseSummary(@Ctx() ctx: RequestContext, @Arg('expiringWithinDays', () => Int, { nullable: true, defaultValue: 30, description: WINDOW }) days: number | null) {
    return licenseSummary(ctx, days ?? 30);
  }
}

@Resolver(() => Organization)
export class OrganizationLicenseSummaryResolver {
  @FieldResolver(() => LicenseSummary, {
    description: "Counts over a distributor's held licenses or a customer's allocated licenses that the viewer reaches (zero for the vendor); one statement for all organizations of a request.",
  })
  licenseSummary(@Ctx() ctx: RequestContext, @Root() org: Organization, @Arg('expiringWithinDays', () => Int, { nullable: true, defaultValue: 30, description: WINDOW }) days: number | null) {
    return licenseSummaryOf(ctx, org, days ?? 30);
  }
}

@Resolver(() => ProductLicenseSummary)
export class ProductLicenseSummaryResolver {
  @FieldResolver(() => Product, { description: 'The product.' })
  product(@Ctx() ctx: RequestContext, @Root() row: ProductLicenseSummary) {
    return productById(ctx).load(row.productId);
  }
}
