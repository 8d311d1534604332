import { DataSource, MigrationExecutor } from 'typeorm';
import { dataSourceOptions } from './data-source';

// Any constant will do, as long as every Triggerline process uses the same one.
const MIGRATION_LOCK_KEY = 7_305_219_411;

/**
 * Applies pending migrations while holding a session advisory lock, so processes that start
 * together run them once. A session lock needs a session of its own: when DATABASE_URL goes
 * through a transaction pooler, `directUrl` names the server itself and one connection is
 * opened there for the duration; otherwise one connection of `dataSource` is used (the
 * embedded database has only one).
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  directUrl: string | null = null,
): Promise<number> {
  if (directUrl === null) {
    return applyPendingLocked(dataSource);
  }
  const direct = new DataSource(
    dataSourceOptions({ url: directUrl, poolSize: 1, applicationName: 'triggerline-migrate' }),
  );
  await direct.initialize();
  try {
    return await applyPendingLocked(direct);
  } finally {
    await direct.destroy();
  }
}

async function applyPendingLocked(dataSource: DataSource): Promise<number> {
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
