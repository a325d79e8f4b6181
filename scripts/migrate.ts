import 'reflect-metadata';
import { openDataSource } from '../ormconfig';
import { syncJurisdictions } from '../src/modules/jurisdiction/jurisdiction.service';

/** `npm run migrate`: applies pending migrations and loads the jurisdiction facts if absent. */
async function main(): Promise<void> {
  const dataSource = await openDataSource();
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    process.stdout.write(ran.length ? `applied ${ran.map((m) => m.name).join(', ')}\n` : 'schema up to date\n');
    const inserted = await syncJurisdictions(dataSource);
    process.stdout.write(`jurisdiction facts: ${JSON.stringify(inserted)}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
