import { ArgsType, Field, Int } from 'type-graphql';

/** `first`/`after` and `last`/`before` of every connection field; validated by pageArgs(), not silently cut. */
@ArgsType()
export class PageArgsInput {
  @Field(() => Int, { nullable: true, description: '1..100, default 20: the rows after `after` (or from the start). Not with last.' })
  first?: number | null;
  @Field(() => String, { nullable: true, description: 'An opaque cursor from pageInfo.endCursor (or an edge): the page starts after its row.' })
  after?: string | null;
  @Field(() => Int, { nullable: true, description: '1..100, default 20: the rows before `before` (or at the end), in the same order as forwards. Not with first.' })
  last?: number | null;
  @Field(() => String, { nullable: true, description: 'An opaque cursor from pageInfo.startCursor (or an edge): the page ends before its row. Not with first or after.' })
  before?: string | null;
}
