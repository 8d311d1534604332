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
import { ReadDatabase } from './read-database';
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
const poolOf = (dataSource: DataSource) =>
  (dataSource.driver as unknown as { master: Pool }).master;

const databaseProvider: Provider = {
  provide: Database,
  inject: [DataSource, AppConfig],
  useFactory: (dataSource: DataSource, config: AppConfig) =>
    new Database(poolOf(dataSource), config.databasePreparedStatements),
};

// The console's reads: a pool of their own on the replica, in the processes that serve the API.
const REPLICA_POOL_SIZE = 5;

const readDatabaseProvider: Provider = {
  provide: ReadDatabase,
  inject: [AppConfig, DataSource, Database],
  useFactory: async (config: AppConfig, primary: DataSource, database: Database) => {
    if (config.databaseReadUrl === undefined || config.role === 'worker') {
      return new ReadDatabase(primary, database);
    }
    const replica = new DataSource(
      dataSourceOptions({
        url: config.databaseReadUrl,
        poolSize: REPLICA_POOL_SIZE,
        applicationName: `triggerline-${config.role}-read`,
      }),
    );
    await replica.initialize();
    return new ReadDatabase(
      replica,
      new Database(poolOf(replica), config.databasePreparedStatements),
    );
  },
};

/**
 * The database connection, a PostgreSQL server or PGlite when DATABASE_URL is unset, the
 * console's reads (a replica with DATABASE_READ_URL) and the process's LISTEN connection; global, as the configuration and the metrics are.
 */
@Global()
@Module({
  providers: [
    embeddedPostgresProvider,
    dataSourceProvider,
    databaseProvider,
    readDatabaseProvider,
    DatabaseNotifications,
  ],
  exports: [DataSource, Database, ReadDatabase, DatabaseNotifications],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reads: ReadDatabase,
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.reads.dataSource !== this.dataSource && this.reads.dataSource.isInitialized) {
      await this.reads.dataSource.destroy();
    }
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
    }
    await this.embedded?.stop();
  }
}
