import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../apps/api/src/database/data-source';
import { MIGRATIONS } from '../apps/api/src/database/migrations';
import {
  describeWithPostgres,
  createTestDatabase,
  type TestDatabase,
} from './support/test-database';

describeWithPostgres('migrations on PostgreSQL', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions({ url: database.url!, poolSize: 2 }));
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const tables = async () =>
    (
      await dataSource.query(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations' ORDER BY 1`,
      )
    ).map((row: { table_name: string }) => row.table_name);

  it('applies every migration, reverts every one, and applies them again', async () => {
    expect(await dataSource.runMigrations()).toHaveLength(MIGRATIONS.length);
    const schema = await tables();
    expect(schema).toEqual(
      expect.arrayContaining(['triggers', 'executions', 'attempts', 'dead_letters']),
    );

    for (let i = 0; i < MIGRATIONS.length; i++) {
      await dataSource.undoLastMigration();
    }
    expect(await tables()).toEqual([]);

    expect(await dataSource.runMigrations()).toHaveLength(MIGRATIONS.length);
    expect(await tables()).toEqual(schema);
  });
});
