import { DataSource, EntityNotFoundError, EntityMetadata, ObjectLiteral } from 'typeorm';
import { ClassType } from 'type-graphql';
import { OrganizationKind } from '../common/enums';
import { ApiKey } from '../modules/api-key/api-key.entity';
import { Contract } from '../modules/contract/contract.entity';
import { JURISDICTION_ROWS_SQL, jurisdictionDataFromRows, JurisdictionRow, toDate } from '../modules/jurisdiction/jurisdiction.service';
import { Organization } from '../modules/organization/organization.entity';
import { PortalUser } from '../modules/user/portal-user.entity';
import { GateFacts } from './actor';

/** What one credential leads to: its user or API key, the organization, and a distributor's gate facts. */
export interface SubjectRow<S> {
  subject: S;
  /** null only if the row points at an organization that is gone (the foreign key forbids it). */
  organization: Organization | null;
  /** Only for a distributor, and only when the statement could carry them. */
  gateFacts?: GateFacts;
}

const JURISDICTION_KEYS: readonly (keyof JurisdictionRow)[] = ['k', 'a', 'b', 'c', 'f', 'u', 'x'];

/**
 * Authentication in ONE statement (docs/decisions/0004-authentication-in-one-statement.md): the user or
 * API key, joined to its organization and, only when that is a distributor, the facts of its
 * transfer gate as JSON arrays (all jurisdiction rules and mechanisms, all its contracts), so
 * that the gate of the viewer's own organization needs no statement later in the request.
 * Columns are hydrated through TypeORM's column metadata, as findOneBy and the loaders do.
 */
export class ActorStatements {
  private readonly mysql: boolean;
  private readonly statements = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb';
  }

  /** Never an array or object: the driver would expand one into a list (`IN`-like) match. */
  userById(id: string): Promise<SubjectRow<PortalUser> | null> {
    return this.read(PortalUser, 'id', id);
  }

  apiKeyBySecretHash(secretHash: string): Promise<SubjectRow<ApiKey> | null> {
    return this.read(ApiKey, 'secretHash', secretHash);
  }

  /** The error findOneByOrFail gave when the organization of a subject was missing. */
  static organizationMissing(organizationId: string): never {
    throw new EntityNotFoundError(Organization, { id: organizationId });
  }

  private async read<S extends ObjectLiteral & { organizationId: string }>(entity: ClassType<S>, column: string, value: string): Promise<SubjectRow<S> | null> {
    if (typeof value !== 'string') return null;
    const [raw]: Record<string, unknown>[] = await this.dataSource.query(this.statement(entity, column), [value]);
    // Exactly the value asked for: MySQL/MariaDB's collation matches 'ABC ' to 'abc'.
    if (!raw || raw[`s__${column}`] !== value) return null;
    const subject = this.found(entity, raw, 's__');
    if (raw.o__id === null || raw.o__id === undefined) return { subject, organization: null };
    const organization = this.found(Organization, raw, 'o__');
    if (organization.kind !== OrganizationKind.DISTRIBUTOR) return { subject, organization };
    return { subject, organization, gateFacts: this.gateFacts(raw) };
  }

  private statement(entity: ClassType<ObjectLiteral>, column: string): string {
    const key = `${entity.name}:${column}`;
    let text = this.statements.get(key);
    if (!text) {
      text = this.build(this.dataSource.getMetadata(entity), column);
      this.statements.set(key, text);
    }
    return text;
  }

  private build(subject: EntityMetadata, column: string): string {
    const org = this.dataSource.getMetadata(Organization);
    const contract = this.dataSource.getMetadata(Contract);
    const q = (name: string) => `\`${name}\``;
    const columns = (alias: string, meta: EntityMetadata, prefix: string) => meta.columns.map((c) => `${alias}.${q(c.databaseName)} AS ${q(prefix + c.databaseName)}`).join(', ');
    const array = this.mysql ? 'JSON_ARRAYAGG' : 'json_group_array';
    const object = (alias: string, names: readonly string[]) => `${this.mysql ? 'JSON_OBJECT' : 'json_object'}(${names.map((n) => `'${n}', ${alias}.${q(n)}`).join(', ')})`;
    // The CASE keeps the subqueries to distributors: other actors pay for the join only.
    const forDistributor = (subquery: string) => `CASE WHEN o.${q('kind')} = '${OrganizationKind.DISTRIBUTOR}' THEN (${subquery}) END`;
    const jurisdictions = `SELECT ${array}(${object('j', JURISDICTION_KEYS)}) FROM (${JURISDICTION_ROWS_SQL}) j`;
    const contracts =
      `SELECT ${array}(${object(
        'c',
        contract.columns.map((c) => c.databaseName),
      )}) ` + `FROM ${q(contract.tableName)} c WHERE c.${q('distributorId')} = o.${q('id')}`;
    return (
      `SELECT ${columns('s', subject, 's__')}, ${columns('o', org, 'o__')}, ` +
      `${forDistributor(jurisdictions)} AS ${q('g__jurisdictions')}, ${forDistributor(contracts)} AS ${q('g__contracts')} ` +
      `FROM ${q(subject.tableName)} s LEFT JOIN ${q(org.tableName)} o ON o.${q('id')} = s.${q('organizationId')} ` +
      `WHERE s.${q(column)} = ? LIMIT 1`
    );
  }

  /** As findOneBy builds an entity: no constructor, every selected column through the driver. */
  private found<E extends ObjectLiteral>(entity: ClassType<E>, raw: Record<string, unknown>, prefix: string): E {
    const meta = this.dataSource.getMetadata(entity);
    const out = meta.create(undefined, { fromDeserializer: true }) as E;
    for (const column of meta.columns) {
      const value = raw[prefix + column.databaseName];
      if (value === undefined) continue;
      column.setEntityValue(out, this.dataSource.driver.prepareHydratedValue(value, column));
    }
    return out;
  }

  /**
   * The gate facts out of the JSON columns, or undefined when they cannot be read (say, JSON cut
   * at MariaDB's group_concat_max_len): the gate then reads the tables itself, as for any other
   * distributor, rather than authentication failing.
   */
  private gateFacts(raw: Record<string, unknown>): GateFacts | undefined {
    try {
      const rows = jsonArray(raw.g__jurisdictions) as JurisdictionRow[];
      for (const r of rows) for (const k of JURISDICTION_KEYS) if (!Object.hasOwn(r, k)) throw new Error(`jurisdiction row without ${k}`);
      // Ids are lower-case UUIDs: code-unit order is the loader's ORDER BY id on both databases.
      const contracts = jsonArray(raw.g__contracts)
        .map((c) => this.contract(c as Record<string, unknown>))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { jurisdictions: jurisdictionDataFromRows(rows), contracts };
    } catch {
      return undefined;
    }
  }

  /** As the loaders build a Contract (SqlRunner), from its JSON object. */
  private contract(json: Record<string, unknown>): Contract {
    const meta = this.dataSource.getMetadata(Contract);
    const entity = meta.create() as Contract & Record<string, unknown>;
    for (const column of meta.columns) {
      let value = json[column.databaseName];
      // JSON carries a DATETIME as its UTC text: SQLite's column text, which its driver hydrates
      // as always; on MySQL/MariaDB the text mysql2 (timezone 'Z') would have read as a Date.
      if (this.mysql && column.type === 'datetime' && typeof value === 'string') value = toDate(value);
      entity[column.propertyName] = this.dataSource.driver.prepareHydratedValue(value, column);
    }
    return entity;
  }
}

/** MariaDB returns JSON as text, MySQL parsed; an aggregate of no rows is NULL on MySQL/MariaDB. */
function jsonArray(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) throw new Error('expected a JSON array');
  return parsed;
}
