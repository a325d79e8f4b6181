import { Column, Entity, Index } from 'typeorm';
import { IdColumn, IntColumn, TextColumn, TimeColumn } from '../../common/columns';

/**
 * A mutation sent with an `Idempotency-Key`, kept 24 hours so that a retry does not act twice.
 * It keeps what the mutation did (its outcome), never the rendered answer: a retry renders the
 * answer again under the policy of its own instant. Keys are per actor.
 */
@Entity('idempotency_record')
@Index('UQ_idempotency_actor_key', ['actorKey', 'idempotencyKey'], { unique: true })
@Index('IDX_idempotency_created', ['createdAt'])
export class IdempotencyRecord {
  @IdColumn() id: string;
  /** "USER:<id>" or "API_KEY:<id>". */
  @TextColumn(80) actorKey: string;
  @TextColumn(255) idempotencyKey: string;
  /** SHA-256 of the request (query, variables, operation name). */
  @TextColumn(64) requestHash: string;
  /** null while the first request is still running. */
  @IntColumn({ nullable: true }) status: number | null;
  /**
   * What the mutation did, sealed with SECRETS_KEY: { sealed } of each root field's error or
   * payload as references (type and id). null once finished: carried out, and the answer is not
   * given again (a once-only answer, a record about a person since withdrawn or erased, a record
   * from before outcomes were kept).
   */
  @Column({ type: 'json', nullable: true }) outcome: { sealed: string } | null;
  /**
   * GDPR Art. 17: ",<id>,<id>,": the people and computers the outcome names, so that their
   * erasure or withdrawal deletes the record by SQL.
   */
  @Column({ type: 'text', nullable: true }) subjects: string | null;
  @TimeColumn() createdAt: Date;
}
