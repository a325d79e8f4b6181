import 'reflect-metadata';
import { openDataSource } from '../ormconfig';
import { SecretBox } from '../src/common/secret-box';
import { loadConfig } from '../src/config';
import { withLocalSecrets } from '../src/local-secrets';
import { JurisdictionRule, TransferMechanism } from '../src/modules/jurisdiction/jurisdiction.entity';
import { syncJurisdictions } from '../src/modules/jurisdiction/jurisdiction.service';
import { PERSONAS, SEED_COUNTS } from './personas';
import { seedWorld } from './seed-world';

/**
 * `node dist/seeds/run.js`: migrates the database (DATABASE_URL, or the SQLite file in
 * DATA_DIR) and seeds the scenario world. Safe to run again: nothing changes the second time.
 */
export async function main(): Promise<void> {
  // Before the database is touched: a missing key refuses the command, not the seed half-way.
  const secrets = new SecretBox(withLocalSecrets(loadConfig(), { secretsKey: true }).secretsKey);
  const dataSource = await openDataSource();
  try {
    await dataSource.runMigrations({ transaction: 'each' });

    // The gate's legal facts first (seeds/jurisdictions.json; left alone once the tables are filled).
    await syncJurisdictions(dataSource);
    const counts = await seedWorld(dataSource, secrets);
    for (const entity of [JurisdictionRule, TransferMechanism]) {
      const repo = dataSource.getRepository(entity);
      counts[repo.metadata.tableName] = await repo.count();
    }
    printCounts(counts);
    process.stdout.write(`\nGet a token for any seeded user, e.g.:\n  npm run token -- ${PERSONAS.vendorAdmin}\n` + `  npm run token -- ${PERSONAS.distributors.mumbai.admin}\n`);
  } finally {
    await dataSource.destroy();
  }
}

function printCounts(counts: Record<string, number>): void {
  const expected: Record<string, number> = SEED_COUNTS;
  const width = Math.max(...Object.keys(counts).map((t) => t.length));
  process.stdout.write(`${'table'.padEnd(width)}  ${'rows'.padStart(5)}\n`);
  process.stdout.write(`${'-'.repeat(width)}  -----\n`);
  for (const [table, n] of Object.entries(counts)) {
    // More rows than the scenario is fine (the database has been used); fewer means a row was lost.
    const note = expected[table] !== undefined && n < expected[table] ? `  (expected at least ${expected[table]})` : '';
    process.stdout.write(`${table.padEnd(width)}  ${String(n).padStart(5)}${note}\n`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`seed failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
