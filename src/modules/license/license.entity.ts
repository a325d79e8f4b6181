import { Field, Int, ObjectType } from 'type-graphql';
import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, IntColumn, RefColumn, TextColumn, TimeColumn, UpdatedAtColumn } from '../../common/columns';
import { LicenseStatus } from '../../common/enums';
import { Node } from '../../common/node';
import { Organization } from '../organization/organization.entity';
import { Product } from '../product/product.entity';
import { PortalUser } from '../user/portal-user.entity';

/** The states a license is put in by a write; EXPIRED is derived from validUntil and the clock. */
export type StoredLicenseState = LicenseStatus.REGISTERED | LicenseStatus.ALLOCATED | LicenseStatus.REVOKED | LicenseStatus.LAPSED;

/**
 * P10: a license is registered to a distributor, allocated to one of its customers (and
 * optionally a licensee person), and activated on computers within its seats.
 */
@ObjectType({
  implements: Node,
  description: 'A license of a product: registered to a distributor, allocated to one of its customers (and optionally a licensee person), activated on computers within its seats.',
})
@Entity('license')
@Index('IDX_license_updated', ['updatedAt', 'id'])
@Index('IDX_license_distributor', ['distributorId', 'id'])
@Index('IDX_license_customer', ['customerId', 'id'])
@Index('IDX_license_product', ['productId'])
@Index('IDX_license_licensee', ['licenseeId'])
@Index('IDX_license_valid_until', ['validUntil'])
@Index('UQ_license_key_digest', ['activationKeyDigest'], { unique: true })
export class License extends Node {
  @IdColumn() override id: string;

  @RefColumn() productId: string;
  @ManyToOne(() => Product, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'productId' })
  product?: Product;

  @Field(() => Int, { description: 'How many computers it may be active on at once.' })
  @IntColumn()
  seats: number;

  /** Stored state; read `status` through `licenseStatus()` so EXPIRED is derived at the request's instant. */
  @TextColumn(16) state: StoredLicenseState;

  @Field(() => Date, { description: 'From this instant on it can be activated.' })
  @TimeColumn()
  validFrom: Date;

  /** null: perpetual. */
  @Field(() => Date, { nullable: true, description: 'From this instant on it is EXPIRED; null: perpetual.' })
  @TimeColumn({ nullable: true })
  validUntil: Date | null;

  @RefColumn() distributorId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'distributorId' })
  distributor?: Organization;

  @RefColumn({ nullable: true }) customerId: string | null;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customerId' })
  customer?: Organization;

  @RefColumn({ nullable: true }) licenseeId: string | null;
  @ManyToOne(() => PortalUser, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'licenseeId' })
  licensee?: PortalUser;

  /** The activation key, encrypted at rest (AES-256-GCM, see common/secret-box.ts). */
  @TextColumn(255) activationKeyCipher: string;
  /** HMAC of the normalized key: uniqueness and lookup without decrypting. */
  @TextColumn(64) activationKeyDigest: string;

  @TimeColumn({ nullable: true }) allocatedAt: Date | null;
  @TimeColumn({ nullable: true }) revokedAt: Date | null;
  @TextColumn(500, { nullable: true }) revokeReason: string | null;
  /** P9: lapsed from the instant the licensee's consent withdrawal was received. */
  @TimeColumn({ nullable: true }) lapsedAt: Date | null;

  @TimeColumn() createdAt: Date;

  /**
   * Never shown: incremented by every activation and deactivation of the license, so that two
   * seat changes of one license on different nodes of a Galera cluster conflict and the later
   * one runs again and counts the seats again (claimRow in src/common/transaction.ts,
   * docs/deployment-galera.md).
   */
  @IntColumn({ default: 0 }) seatVersion: number;

  @Field(() => Date, { description: 'When the row last changed, set by the database on every write (milliseconds, UTC). Incremental sync: the updatedSince filters.' })
  @UpdatedAtColumn()
  updatedAt: Date;
}

/** The status a user sees at instant `now`. */
export function licenseStatus(license: Pick<License, 'state' | 'validUntil'>, now: Date): LicenseStatus {
  if (license.state === LicenseStatus.REVOKED || license.state === LicenseStatus.LAPSED) return license.state;
  if (license.validUntil && license.validUntil.getTime() <= now.getTime()) return LicenseStatus.EXPIRED;
  return license.state;
}
