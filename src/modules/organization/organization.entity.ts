import { Field, ObjectType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { IdColumn, IntColumn, ListColumn, TextColumn, TimeColumn, UpdatedAtColumn } from '../../common/columns';
import { OrganizationKind } from '../../common/enums';
import { Node } from '../../common/node';

@ObjectType({ description: "An organization's postal address (contact data: read as Organization.address). A part not given is null." })
export class PostalAddress {
  @Field(() => String, { nullable: true, description: 'Street and number.' }) street: string | null;
  @Field(() => String, { nullable: true, description: 'The postal code.' }) postalCode: string | null;
  @Field(() => String, { nullable: true, description: 'The city.' }) city: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2.' }) country: string | null;
}

/** Who reads an organization's contact data (the CONTACT rule), as integrators read it. */
const CONTACT_DATA =
  'Contact data (CONTACT): vendor roles, the organization itself, a customer for the distributors that serve it, anyone for the vendor, and a distributor for its customers while its transfer gate is open (else null with TRANSFER_BASIS_REQUIRED); API keys need personal_data:read. Null with FORBIDDEN otherwise.';

/** The vendor, a distributor or a customer. Address, phone and e-mail are contact data (P1). */
@ObjectType({ implements: Node, description: 'The vendor, a distributor or a customer. Address, phone and e-mail are contact data.' })
@Entity('organization')
@Index('IDX_organization_updated', ['updatedAt', 'id'])
@Index('IDX_organization_name', ['nameKey', 'id'])
@Index('IDX_organization_kind_name', ['kind', 'nameKey', 'id'])
export class Organization extends Node {
  @IdColumn() override id: string;

  @Field(() => OrganizationKind, { description: 'VENDOR, DISTRIBUTOR or CUSTOMER.' })
  @TextColumn(16)
  kind: OrganizationKind;

  @Field(() => String, { description: "The organization's name." })
  @TextColumn(200)
  name: string;

  /** The name folded for sorting and search: the same order and matches on MySQL and SQLite. */
  @TextColumn(200) nameKey: string;

  @Field(() => String, { description: 'Domicile, ISO 3166-1 alpha-2.' })
  @TextColumn(2)
  country: string;

  /** Where a distributor processes data; the transfer gate checks every one, not only the domicile. */
  @Field(() => [String], { nullable: true, description: 'Countries where the organization processes data (ISO 3166-1 alpha-2).' })
  @ListColumn()
  processingCountries: string[];

  @TextColumn(200, { nullable: true }) street: string | null;
  @TextColumn(32, { nullable: true }) postalCode: string | null;
  @TextColumn(120, { nullable: true }) city: string | null;
  @TextColumn(2, { nullable: true }) addressCountry: string | null;

  @Field(() => String, { nullable: true, description: 'The phone number; null if none. ' + CONTACT_DATA })
  @TextColumn(64, { nullable: true })
  phone: string | null;

  @Field(() => String, { nullable: true, description: 'The e-mail address; null if none. ' + CONTACT_DATA })
  @TextColumn(254, { nullable: true })
  email: string | null;

  @TimeColumn() createdAt: Date;

  /**
   * Never shown: incremented by a write whose check reads other rows under this organization's
   * lock (its last admin, its customer links), so that two such writes on different nodes of a
   * Galera cluster conflict (claimRow in src/common/transaction.ts, docs/deployment-galera.md).
   */
  @IntColumn({ default: 0 }) lockVersion: number;

  @Field(() => PostalAddress, { nullable: true, description: 'The postal address; null if none. ' + CONTACT_DATA })
  get address(): PostalAddress | null {
    if (!this.street && !this.postalCode && !this.city && !this.addressCountry) return null;
    return { street: this.street, postalCode: this.postalCode, city: this.city, country: this.addressCountry };
  }
  @Field(() => Date, { description: 'When the row last changed, set by the database on every write (milliseconds, UTC). Incremental sync: the updatedSince filters.' })
  @UpdatedAtColumn()
  updatedAt: Date;
}

/** Case- and accent-folded name ("Vigilância" → "vigilancia"), written with every name. */
export function organizationNameKey(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().slice(0, 200);
}
