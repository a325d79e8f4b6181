import { Ctx, Query, Resolver } from 'type-graphql';
import { RequestContext } from '../../context/request-context';
import { Product } from './product.entity';
import { listProducts } from './product.service';

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => [Product], { description: 'Every product, by SKU.' })
  products(@Ctx() ctx: RequestContext) {
    return listProducts(ctx);
  }
}
