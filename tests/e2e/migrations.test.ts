import { DataSource } from 'typeorm';
import { openDataSource } from '../../ormconfig';
import { freshEnv, ON_MYSQL } from '../helpers/database';

describe(`migrations on ${ON_MYSQL ? 'MariaDB' : 'the embedded database'}`, () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openDataSource(await freshEnv('migrations'));
  });
  afterAll(() => dataSource.destroy());

  it('migrate an empty database to exactly the schema of the entities', async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.length).toBeGreaterThan(0);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('index every foreign key column', () => {
    for (const meta of dataSource.entityMetadatas) {
      for (const fk of meta.foreignKeys) {
        const column = fk.columnNames[0];
        const leading = meta.indices.some((i) => i.columns[0]?.databaseName === column) || meta.uniques.some((u) => u.columns[0]?.databaseName === column);
        expect(`${meta.tableName}.${column} indexed: ${leading}`).toBe(`${meta.tableName}.${column} indexed: true`);
      }
    }
  });

  it('revert every migration down to an empty schema, and apply them again', async () => {
    const count = (await dataSource.query('SELECT COUNT(*) AS n FROM migrations'))[0].n;
    for (let i = 0; i < Number(count); i++) await dataSource.undoLastMigration({ transaction: 'each' });
    const runner = dataSource.createQueryRunner();
    const left: string[] = [];
    for (const meta of dataSource.entityMetadatas) if (await runner.hasTable(meta.tableName)) left.push(meta.tableName);
    await runner.release();
    expect(left).toEqual([]);
    await dataSource.runMigrations({ transaction: 'each' });
    expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
  });
});
