import fs from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { seedId } from '../../common/ids';
import { JurisdictionData, jurisdictionDataFromJson, JurisdictionRuleData, parseCovers } from '../../policy/transfer-gate';
import { JurisdictionRule, TransferMechanism } from './jurisdiction.entity';

const SEED_FILE = path.join('seeds', 'jurisdictions.json');

/**
 * seeds/jurisdictions.json of the project: found by walking up from this file to the directory
 * with package.json, so it resolves the same from src/ (ts) and from dist/src/ (compiled).
 */
export function jurisdictionSeedPath(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, SEED_FILE);
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${SEED_FILE} not found above ${from}`);
    dir = parent;
  }
}

export function readJurisdictionSeed(file: string = jurisdictionSeedPath()): JurisdictionData {
  return jurisdictionDataFromJson(JSON.parse(fs.readFileSync(file, 'utf8')));
}

export function jurisdictionRuleId(rule: Pick<JurisdictionRuleData, 'country' | 'regime'>): string {
  return seedId(`jurisdiction:${rule.country}:${rule.regime}`);
}

/**
 * Fills jurisdiction_rule and transfer_mechanism from seeds/jurisdictions.json, each only while
 * it is empty: once filled, the tables belong to the operator and are never overwritten.
 */
export async function syncJurisdictions(dataSource: DataSource, data: JurisdictionData = readJurisdictionSeed()): Promise<{ rules: number; mechanisms: number }> {
  return dataSource.transaction(async (em) => {
    const rules = em.getRepository(JurisdictionRule);
    const mechanisms = em.getRepository(TransferMechanism);
    const inserted = { rules: 0, mechanisms: 0 };
    if (data.rules.length > 0 && (await rules.count()) === 0) {
      await rules.insert(
        data.rules.map((r) => ({
          id: jurisdictionRuleId(r),
          country: r.country,
          regime: r.regime,
          legalAct: r.legalAct,
          validFrom: r.validFrom,
          validUntil: r.validUntil,
          requiresContractType: r.requiresContractType,
        })),
      );
      inserted.rules = data.rules.length;
    }
    if (data.mechanisms.length > 0 && (await mechanisms.count()) === 0) {
      await mechanisms.insert(
        data.mechanisms.map((m) => ({
          type: m.type,
          covers: m.covers === '*' ? '*' : m.covers.join(','),
          legalAct: m.legalAct,
          validFrom: m.validFrom,
          validUntil: m.validUntil,
        })),
      );
      inserted.mechanisms = data.mechanisms.length;
    }
    return inserted;
  });
}

/**
 * One row of either table, as {@link JURISDICTION_ROWS_SQL} selects it: k is 'R' (rule) or 'M'
 * (mechanism); a, b, c, f, u, x are country/type, regime/covers, legalAct, validFrom,
 * validUntil and requiresContractType.
 */
export interface JurisdictionRow {
  k: string;
  a: string;
  b: string | null;
  c: string | null;
  f: Date | string | null;
  u: Date | string | null;
  x: string | null;
}

/**
 * Both tables in one statement (the gate reads them on every request that needs it); also the
 * source of the facts read while authenticating a distributor (src/context/actor-statement.ts).
 */
export const JURISDICTION_ROWS_SQL =
  "SELECT 'R' AS k, country AS a, regime AS b, legalAct AS c, validFrom AS f, validUntil AS u, requiresContractType AS x FROM `jurisdiction_rule` " +
  "UNION ALL SELECT 'M' AS k, type AS a, covers AS b, legalAct AS c, validFrom AS f, validUntil AS u, NULL AS x FROM `transfer_mechanism`";

/** The jurisdiction facts as the transfer gate reads them, from the two tables. */
export async function loadJurisdictionData(dataSource: DataSource): Promise<JurisdictionData> {
  return jurisdictionDataFromRows(await dataSource.query(JURISDICTION_ROWS_SQL));
}

/**
 * The rows of both tables as the gate reads them, in a fixed order whatever order the database
 * returned them in: every path that reads the facts must give the gate the same data.
 */
export function jurisdictionDataFromRows(rows: readonly JurisdictionRow[]): JurisdictionData {
  const byKey = (l: { a: string; b: string | null }, r: { a: string; b: string | null }) => (l.a + (l.b ?? '')).localeCompare(r.a + (r.b ?? ''));
  return {
    rules: rows
      .filter((r) => r.k === 'R' && (r.b === 'EEA' || r.b === 'ADEQUACY'))
      .sort(byKey)
      .map((r) => ({
        country: r.a.trim().toUpperCase(),
        regime: r.b as 'EEA' | 'ADEQUACY',
        legalAct: r.c,
        validFrom: toDate(r.f) ?? new Date(NaN),
        validUntil: toDate(r.u),
        requiresContractType: r.x || null,
      })),
    mechanisms: rows
      .filter((r) => r.k === 'M')
      .sort(byKey)
      .map((m) => ({
        type: m.a,
        covers: parseCovers(m.b ?? ''),
        legalAct: m.c,
        validFrom: toDate(m.f),
        validUntil: toDate(m.u),
      })),
  };
}

/**
 * Drivers hydrate datetime columns as Date; a bare 'YYYY-MM-DD HH:MM:SS' string (SQLite's text,
 * or a date inside JSON on either database) is UTC.
 */
export function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && typeof value.getTime === 'function') return new Date(value.getTime());
  const text = String(value).trim().replace(' ', 'T');
  return new Date(/Z$|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`);
}
