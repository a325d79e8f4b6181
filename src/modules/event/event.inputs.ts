import { Field, InputType } from 'type-graphql';
import { EventType } from './event-type';

@InputType({ description: 'All given conditions must hold.' })
export class EventFilter {
  @Field(() => [EventType], { nullable: true, description: 'Only events of these types; absent: every type.' }) types?: EventType[] | null;
  @Field(() => Date, { nullable: true, description: 'Events that happened at or after this instant.' }) since?: Date | null;
}
