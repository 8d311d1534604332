import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { Role } from '../config/env.schema';
import { dataSourceOptions } from './data-source';
import { Database } from './database';
import { EmbeddedPostgres } from './embedded-postgres';
import { runMigrationsLocked } from './migrate';
import { DatabaseNotifications } from './notifications';

const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');

// Connections per process and role. An API request holds one for a statement or two. A worker
// holds none while its calls run: one claims, one writes the completer's batch, one renews
// leases, one records a dead-lettering; WORKER_CONCURRENCY does not change that.
const POOL_SIZES: Record<Role, number> = { api: 10, worker: 4, all: 14 };

const embeddedPostgresProvider: Provider = {
  provide: EMBEDDED_POSTGRES,
  inject: [AppConfig],
  useFactory: async (config: AppConfig): Promise<EmbeddedPostgres | null> =>
    config.databaseUrl === undefined ? EmbeddedPostgres.start(config.pgliteDir) : null,
};

const dataSourceProvider: Provider = {
  provide: DataSource,
  inject: [AppConfig, EMBEDDED_POSTGRES],
  useFactory: async (config: AppConfig, embedded: EmbeddedPostgres | null) => {
    const logger = new Logger('Database');
    const url = embedded?.url ?? config.databaseUrl!;
    const poolSize = embedded ? 1 : POOL_SIZES[config.role];
    const dataSource = new DataSource(
      dataSourceOptions({
        url,
        poolSize,
        applicationName: `triggerline-${config.role}`,
        onConnect: embedded ? EmbeddedPostgres.resetSession : undefined,
      }),
    );
    await dataSource.initialize();
    if (config.shouldRunMigrations) {
      const directUrl = embedded?.url ?? config.databaseDirectUrl!;
      const applied = await runMigrationsLocked(dataSource, directUrl === url ? null : directUrl);
      logger.log({ evt: 'migrations_applied', count: applied, embedded: embedded !== null });
    }
    return dataSource;
  },
};

// The stores share TypeORM's `pg` pool, so one pool per process sizes the connections.
const databaseProvider: Provider = {
  provide: Database,
  inject: [DataSource, AppConfig],
  useFactory: (dataSource: DataSource, config: AppConfig) =>
    new Database(
      (dataSource.driver as unknown as { master: Pool }).master,
      config.databasePreparedStatements,
    ),
};

/**
 * The database connection, a PostgreSQL server or PGlite when DATABASE_URL is unset, and the
 * process's LISTEN connection; global, as the configuration and the metrics are.
 */
@Global()
@Module({
  providers: [
    embeddedPostgresProvider,
    dataSourceProvider,
    databaseProvider,
    DatabaseNotifications,
  ],
  exports: [DataSource, Database, DatabaseNotifications],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
    }
    await this.embedded?.stop();
  }
}
