import { Entity, Index } from 'typeorm';
import { IdColumn, TextColumn, TimeColumn } from '../../common/columns';

/**
 * The jurisdiction facts of docs/transfer-gate.md, kept as data, so that an operator can record a new or an
 * ended adequacy decision without a code change. Loaded from seeds/jurisdictions.json.
 */
@Entity('jurisdiction_rule')
@Index('UQ_jurisdiction_rule', ['country', 'regime'], { unique: true })
export class JurisdictionRule {
  @IdColumn() id: string;
  /** ISO 3166-1 alpha-2. */
  @TextColumn(2) country: string;
  /** EEA: inside the EU/EEA. ADEQUACY: an adequacy decision (GDPR Art. 45). */
  @TextColumn(16) regime: 'EEA' | 'ADEQUACY';
  /** The legal act, e.g. "(EU) 2023/1795". */
  @TextColumn(120, { nullable: true }) legalAct: string | null;
  @TimeColumn() validFrom: Date;
  /** An adequacy decision can end (or be annulled): the gate honours it. */
  @TimeColumn({ nullable: true }) validUntil: Date | null;
  /**
   * The contract type an organization must hold for the decision to cover it (the U.S.
   * decision covers only organizations certified under the Data Privacy Framework).
   */
  @TextColumn(32, { nullable: true }) requiresContractType: string | null;
}

/** What each contract type covers and the window in which its clauses are valid at all. */
@Entity('transfer_mechanism')
export class TransferMechanism {
  /** The contract type: SCC_2021, SCC_2010, DPA, DPF_CERTIFICATION, PRIVACY_SHIELD. */
  @TextColumn(32, { primary: true }) type: string;
  /** "*" for all of the distributor's countries, or a comma-separated list (e.g. "US"). */
  @TextColumn(200) covers: string;
  @TextColumn(200, { nullable: true }) legalAct: string | null;
  @TimeColumn({ nullable: true }) validFrom: Date | null;
  /** e.g. 2022-12-27 for the old SCC; 2020-07-16 for Privacy Shield (CJEU C-311/18). */
  @TimeColumn({ nullable: true }) validUntil: Date | null;
}
