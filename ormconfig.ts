import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { loadConfig } from './src/config';
import { CountingLogger } from './src/common/query-counter';
import { useDialectClock } from './src/common/columns';
import { useCausalReads } from './src/common/galera';
import { useTransactionRetries } from './src/common/transaction';
import { Activation } from './src/modules/activation/activation.entity';
import { ApiKey } from './src/modules/api-key/api-key.entity';
import { AuditEvent } from './src/modules/audit/audit-event.entity';
import { Computer } from './src/modules/computer/computer.entity';
import { Contract } from './src/modules/contract/contract.entity';
import { ClockEmission, GateState } from './src/modules/event/clock-state.entity';
import { HubEvent } from './src/modules/event/event.entity';
import { WebhookDelivery, WebhookEndpoint } from './src/modules/webhook/webhook.entity';
import { JurisdictionRule, TransferMechanism } from './src/modules/jurisdiction/jurisdiction.entity';
import { IdempotencyRecord } from './src/modules/idempotency/idempotency-record.entity';
import { License } from './src/modules/license/license.entity';
import { CustomerAccount } from './src/modules/organization/customer-account.entity';
import { Organization } from './src/modules/organization/organization.entity';
import { Product } from './src/modules/product/product.entity';
import { PortalUser } from './src/modules/user/portal-user.entity';

export const ENTITIES = [
  Organization,
  CustomerAccount,
  PortalUser,
  ApiKey,
  Product,
  License,
  Computer,
  Activation,
  Contract,
  AuditEvent,
  HubEvent,
  GateState,
  ClockEmission,
  WebhookEndpoint,
  WebhookDelivery,
  JurisdictionRule,
  TransferMechanism,
  IdempotencyRecord,
];

export type Dialect = 'mysql' | 'sqlite';

/**
 * The one DataSource of the hub, for the app, the CLI and the tests. `DATABASE_URL=mysql://…`
 * selects MySQL/MariaDB; without it the embedded default is a SQLite file in DATA_DIR.
 */
export function dataSourceOptions(env: NodeJS.ProcessEnv = process.env): DataSourceOptions {
  const config = loadConfig(env);
  const migrationsFor = (dialect: Dialect) => [path.join(__dirname, 'src', 'migrations', dialect, '*.{js,ts}')];
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
      throw new Error(`DATABASE_URL must be mysql:// or mariadb:// (got ${url.protocol})`);
    }
    return {
      // TypeORM reads MariaDB's information_schema differently from MySQL's (column defaults):
      // the flavour must be right for the schema comparison. resolveDataSourceOptions() asks the server.
      type: url.protocol === 'mariadb:' ? 'mariadb' : 'mysql',
      url: config.databaseUrl.replace(/^mariadb:/, 'mysql:'),
      entities: ENTITIES,
      migrations: migrationsFor('mysql'),
      migrationsTableName: 'migrations',
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      poolSize: config.dbPoolSize,
      logger: new CountingLogger(),
      extra: { connectTimeout: 5000 },
    };
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  return {
    type: 'better-sqlite3',
    database: path.join(config.dataDir, 'hub.sqlite'),
    entities: ENTITIES,
    migrations: migrationsFor('sqlite'),
    migrationsTableName: 'migrations',
    logger: new CountingLogger(),
    // WAL lets readers go on while a write commits; busy_timeout waits for the writer lock.
    prepareDatabase: (db: { pragma: (s: string) => unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    },
  };
}

export function dialectOf(dataSource: DataSource): Dialect {
  return dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb' ? 'mysql' : 'sqlite';
}

/** The options with the server's flavour (MySQL or MariaDB) asked from the server itself. */
export async function resolveDataSourceOptions(env: NodeJS.ProcessEnv = process.env): Promise<DataSourceOptions> {
  const options = dataSourceOptions(env);
  if (options.type !== 'mysql') return options;
  const { createConnection } = await import('mysql2/promise');
  const conn = await createConnection({ uri: options.url, connectTimeout: 5000 });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    const version = String((rows as { v: string }[])[0].v);
    return version.toLowerCase().includes('mariadb') ? { ...options, type: 'mariadb' } : options;
  } finally {
    await conn.end();
  }
}

/** A DataSource for the URL's flavour as written (the TypeORM CLI's synchronous path). */
export function createDataSource(env: NodeJS.ProcessEnv = process.env): DataSource {
  return new DataSource(dataSourceOptions(env));
}

/** The DataSource the app, the scripts and the tests use. */
export async function openDataSource(env: NodeJS.ProcessEnv = process.env): Promise<DataSource> {
  const dataSource = new DataSource(await resolveDataSourceOptions(env));
  await dataSource.initialize();
  useDialectClock(dataSource);
  useTransactionRetries(dataSource, loadConfig(env).transactionRetries);
  await useCausalReads(dataSource);
  return dataSource;
}

/** For the TypeORM CLI (migration:generate / run / revert). */
export default createDataSource();
