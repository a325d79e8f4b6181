import { DataSource } from 'typeorm';
import { openDataSource, dialectOf } from '../ormconfig';
import { SecretBox } from './common/secret-box';
import { HubConfig } from './config';
import { syncJurisdictions } from './modules/jurisdiction/jurisdiction.service';
import { Organization } from './modules/organization/organization.entity';

/**
 * Opens the database and brings it up to date: migrations, the jurisdiction facts (only when
 * their tables are empty), and, on the embedded database's first start, the seed world.
 */
export async function openDatabase(config: HubConfig, env: NodeJS.ProcessEnv = process.env): Promise<{ dataSource: DataSource; seeded: Record<string, number> | null }> {
  const dataSource = await openDataSource(env);
  await migrateDatabase(dataSource);
  let seeded: Record<string, number> | null = null;
  if (dialectOf(dataSource) === 'sqlite' && env.SEED_ON_FIRST_START !== 'false') {
    const empty = (await dataSource.getRepository(Organization).count()) === 0;
    if (empty) {
      const { seedWorld } = await import('../seeds/seed-world');
      seeded = await seedWorld(dataSource, new SecretBox(config.secretsKey));
    }
  }
  return { dataSource, seeded };
}

/** The named lock hubs and `npm run migrate` take turns on while they migrate (MySQL/MariaDB). */
export const MIGRATION_LOCK = 'hub_migrations';
const MIGRATION_LOCK_WAIT_SECONDS = 600;
/** ER_NOT_SUPPORTED_YET: MariaDB in a Galera cluster refuses GET_LOCK. */
const ER_NOT_SUPPORTED_YET = 1235;

/**
 * The pending migrations, then the jurisdiction facts if their tables are empty (the hub at
 * start and `npm run migrate`). Hubs started at once on a database with pending migrations
 * would run them at once, and all but one fail on a table another has just made (two of three
 * hubs exited when tried): on MySQL/MariaDB they take turns on a named lock, held on a
 * connection of its own (not one of the pool's, which the migrations use), so the first
 * migrates and the others find nothing left to do. A server that refuses named locks (a Galera
 * cluster) migrates without one: there, run `npm run migrate` once before starting the hubs.
 */
export async function migrateDatabase(dataSource: DataSource): Promise<{ migrations: string[]; jurisdictions: { rules: number; mechanisms: number } }> {
  const url = (dataSource.options as { url?: string }).url;
  if (dialectOf(dataSource) !== 'mysql' || !url) return migrateNow(dataSource);
  const { createConnection } = await import('mysql2/promise');
  const lock = await createConnection({ uri: url, connectTimeout: 5000 });
  let held = false;
  try {
    try {
      const [rows] = await lock.query('SELECT GET_LOCK(?, ?) AS got', [MIGRATION_LOCK, MIGRATION_LOCK_WAIT_SECONDS]);
      held = Number((rows as { got: unknown }[])[0].got) === 1;
    } catch (e) {
      if ((e as { errno?: number }).errno !== ER_NOT_SUPPORTED_YET) throw e;
      return await migrateNow(dataSource);
    }
    if (!held) throw new Error(`another process held the migration lock for ${MIGRATION_LOCK_WAIT_SECONDS} s`);
    return await migrateNow(dataSource);
  } finally {
    if (held) await lock.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end().catch(() => undefined);
  }
}

async function migrateNow(dataSource: DataSource): Promise<{ migrations: string[]; jurisdictions: { rules: number; mechanisms: number } }> {
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  const jurisdictions = await syncJurisdictions(dataSource);
  return { migrations: ran.map((m) => m.name), jurisdictions };
}
