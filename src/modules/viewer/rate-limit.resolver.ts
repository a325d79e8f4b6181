import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { RequestContext } from '../../context/request-context';

@ObjectType({ description: "The viewer's rate-limit budget as this request left it (docs/api.md, Rate limits). Asking for it adds nothing to the request's cost." })
export class RateLimit {
  @Field(() => Int, { description: 'The points this request costs (its node estimate / 100, at least 1; a mutation 5 more).' }) cost: number;
  @Field(() => Int, { description: 'The points of a whole window (RATE_LIMIT_POINTS).' }) limit: number;
  @Field(() => Int, { description: 'The points left in this window, after this request.' }) remaining: number;
  @Field(() => Date, { description: 'When the window ends and the budget is whole again.' }) resetAt: Date;
}

@Resolver()
export class RateLimitResolver {
  @Query(() => RateLimit, { nullable: true, description: "The viewer's rate limit: this request's cost, the budget and what is left of it; null only outside the HTTP API." })
  rateLimit(@Ctx() ctx: RequestContext): RateLimit | null {
    const status = ctx.rateStatus;
    return status ? { cost: status.cost, limit: status.limit, remaining: status.remaining, resetAt: status.resetAt } : null;
  }
}
