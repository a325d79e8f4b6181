import { ArgsType, Field, Int } from 'type-graphql';

/** `first` and `after` of every connection field; validated by pageArgs(), not silently cut. */
@ArgsType()
export class PageArgsInput {
  @Field(() => Int, { nullable: true, description: '1..100, default 20.' })
  first?: number | null;
  @Field(() => String, { nullable: true, description: 'An opaque cursor from pageInfo.endCursor.' })
  after?: string | null;
}
