import 'reflect-metadata';
import { openDataSource } from '../ormconfig';
import { migrateDatabase } from '../src/bootstrap';

/** `npm run migrate`: applies pending migrations and loads the jurisdiction facts if absent. */
async function main(): Promise<void> {
  const dataSource = await openDataSource();
  try {
    // The same turns on the migration lock as a hub starting at the same time (src/bootstrap.ts).
    const { migrations, jurisdictions } = await migrateDatabase(dataSource);
    process.stdout.write(migrations.length ? `applied ${migrations.join(', ')}\n` : 'schema up to date\n');
    process.stdout.write(`jurisdiction facts: ${JSON.stringify(jurisdictions)}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
