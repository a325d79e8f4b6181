import { Column, Entity, Index } from 'typeorm';
import { IdColumn, IntColumn, TextColumn, TimeColumn } from '../../common/columns';

/**
 * The first response to a mutation sent with an `Idempotency-Key`, kept 24 hours so that a
 * retry returns it instead of acting twice. Keys are per actor.
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
  /** The first response, sealed with SECRETS_KEY: { sealed }. */
  @Column({ type: 'json', nullable: true }) response: unknown;
  @TimeColumn() createdAt: Date;
}
