import { type DataSource, MigrationExecutor } from 'typeorm';

// Any constant will do, as long as every Triggerline process uses the same one.
const MIGRATION_LOCK_KEY = 7_305_219_411;

/**
 * Applies pending migrations while holding a session advisory lock, so processes that start
 * together run them once. Uses a single connection: the embedded database has only one.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<number> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.length;
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await queryRunner.release();
  }
}
