import { Field, ID, InputType } from 'type-graphql';
import { ListOrders } from '../../common/ordering';
import { AuditOutcome } from '../../common/enums';

@InputType({ description: 'All given conditions must hold.' })
export class AuditEventFilter {
  @Field(() => ID, { nullable: true, description: 'A PortalUser or ApiKey id.' }) actorId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Any node id.' }) subjectId?: string | null;
  @Field(() => String, { nullable: true, description: 'e.g. personal_data.read, license.allocated' }) action?: string | null;
  @Field(() => AuditOutcome, { nullable: true, description: 'Only allowed, or only denied, events.' }) outcome?: AuditOutcome | null;
  @Field(() => Date, { nullable: true, description: 'Events at or after this instant.' }) since?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Events before this instant.' }) until?: Date | null;
}

/** The orders of audit events; ties end with the id. */
export const AUDIT_EVENT_ORDERS = new ListOrders('AuditEvent', {
  AT: { description: 'By the instant of the event (at).', keys: [{ column: 'e.at', property: 'at', time: true }] },
});
