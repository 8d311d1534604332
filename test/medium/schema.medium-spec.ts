import { describeMedium, type MediumDatabase, openMediumDatabase } from './medium-database';

describeMedium('Schema', () => {
  let db: MediumDatabase;

  beforeAll(async () => {
    db = await openMediumDatabase();
  });
  afterAll(() => db.close());

  // What `typeorm migration:generate` would write on a migrated database: nothing, or the
  // next person to run it gets a migration that drops constraints the entity does not declare.
  it('finds no difference between the remaining entity and the migrated schema', async () => {
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });
});
