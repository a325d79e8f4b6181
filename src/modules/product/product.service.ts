import { RequestContext } from '../../context/request-context';
import { reachable } from '../../policy/reachable';
import { Product } from './product.entity';

export function productById(ctx: RequestContext) {
  return ctx.loaders.byId(Product, () => reachable(ctx, Product));
}

/** The catalogue is short; it is listed whole, by SKU. */
export function listProducts(ctx: RequestContext): Promise<Product[]> {
  const base = reachable(ctx, Product, [{ column: 'e.sku', property: 'sku' }]);
  return ctx.sql.page(base, { first: 10_000, after: null });
}
