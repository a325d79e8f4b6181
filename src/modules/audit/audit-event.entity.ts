import { Field, ObjectType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { IdColumn, ListColumn, TextColumn, TimeColumn } from '../../common/columns';
import { ActorType, AuditOutcome } from '../../common/enums';
import { Node } from '../../common/node';

/**
 * Append-only record of who did or read what, and why (GDPR Art. 5(2), 30). Reads of personal
 * data are aggregated to one event per request and subject. Ids are stored without foreign
 * keys on purpose: the record must outlive what it describes.
 */
@ObjectType({
  implements: Node,
  description:
    'One entry of the append-only audit record: a write, or the reads of personal data of one request about one subject. AUDIT: VENDOR_ADMIN and PRIVACY_OFFICER only (as users, never an API key).',
})
@Entity('audit_event')
@Index('IDX_audit_event_actor', ['actorId', 'id'])
@Index('IDX_audit_event_subject', ['subjectId', 'id'])
@Index('IDX_audit_event_action', ['action', 'id'])
@Index('IDX_audit_event_at', ['at'])
export class AuditEvent extends Node {
  @IdColumn() override id: string;

  @Field(() => Date, { description: 'When it happened (the instant of the request).' })
  @TimeColumn()
  at: Date;

  /** The hub's own id of the request (the response's x-request-id): no client can choose it. */
  @Field(() => String, { description: "The hub's id of the request, as in the response's x-request-id header." })
  @TextColumn(64)
  requestId: string;

  /** The x-request-id the client sent, if any: its own correlation id, kept beside the hub's. */
  @Field(() => String, { nullable: true, description: 'The x-request-id the client sent, if any (the client chooses it: not unique).' })
  @TextColumn(64, { nullable: true })
  clientRequestId: string | null;

  @Field(() => ActorType, { description: 'Who acted: a person, an API key, or the hub itself.' })
  @TextColumn(16)
  actorType: ActorType;

  @TextColumn(36, { nullable: true }) actorId: string | null;
  @TextColumn(36, { nullable: true }) actorOrganizationId: string | null;

  @Field(() => String, { description: 'What happened, e.g. personal_data.read, license.allocated, consent.withdrawn.' })
  @TextColumn(64)
  action: string;

  @Field(() => String, { description: 'The type of the subject, e.g. PortalUser, Organization, License.' })
  @TextColumn(32)
  subjectType: string;

  @TextColumn(36, { nullable: true }) subjectId: string | null;

  @Field(() => [String], { description: 'The personal-data fields read or changed.' })
  @ListColumn()
  fields: string[];

  @Field(() => String, { description: 'Why the data was processed (GDPR Art. 30), e.g. LICENSE_MANAGEMENT.' })
  @TextColumn(32)
  purpose: string;

  @Field(() => AuditOutcome, { description: 'ALLOWED, or DENIED when the transfer gate withheld the data.' })
  @TextColumn(16)
  outcome: AuditOutcome;

  /** Free-form detail (counts, reasons); never a personal value in clear. */
  @TextColumn(2000, { nullable: true }) detail: string | null;
}
