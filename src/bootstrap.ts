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
  await dataSource.runMigrations({ transaction: 'each' });
  await syncJurisdictions(dataSource);
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
