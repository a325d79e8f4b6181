import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { openDatabase } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { SecretBox } from '../../src/common/secret-box';
import { seedWorld } from '../../seeds/seed-world';

/** Which database the suite runs on: MariaDB when DATABASE_URL is set, else the embedded one. */
export const ON_MYSQL = !!process.env.DATABASE_URL;

export interface TestDatabase {
  env: NodeJS.ProcessEnv;
  dataSource: DataSource;
}

/**
 * A database of its own for one test file: on MariaDB a fresh schema named after the file on
 * the server of DATABASE_URL; on the embedded database a fresh file in a temporary folder.
 */
export async function freshEnv(name: string): Promise<NodeJS.ProcessEnv> {
  const safe = name.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  if (ON_MYSQL) {
    const url = new URL(process.env.DATABASE_URL!);
    const dbName = `${url.pathname.replace(/^\//, '') || 'hub'}_t_${safe}`.slice(0, 64);
    const conn = await createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
    await conn.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await conn.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
    url.pathname = `/${dbName}`;
    return { ...process.env, DATABASE_URL: url.toString(), SEED_ON_FIRST_START: 'false' };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hub-${safe}-`));
  return { ...process.env, DATABASE_URL: '', DATA_DIR: dir, SEED_ON_FIRST_START: 'false' };
}

/** A migrated database holding the seed world. */
export async function seededDatabase(name: string): Promise<TestDatabase> {
  const env = await freshEnv(name);
  const { dataSource } = await openDatabase(loadConfig(env), env);
  await seedWorld(dataSource, new SecretBox(loadConfig(env).secretsKey));
  return { env, dataSource };
}
