import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';
import { EmbeddedPostgres } from './embedded-postgres';
import { runMigrationsLocked } from './migrate';

const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');

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
    const poolSize = embedded ? 1 : config.workerConcurrency + 10;
    const dataSource = new DataSource(
      dataSourceOptions({ url, poolSize, applicationName: `triggerline-${config.role}` }),
    );
    await dataSource.initialize();
    if (config.shouldRunMigrations) {
      const applied = await runMigrationsLocked(dataSource);
      logger.log({ evt: 'migrations_applied', count: applied, embedded: embedded !== null });
    }
    return dataSource;
  },
};

/** The database connection: a PostgreSQL server, or PGlite when DATABASE_URL is unset. */
@Global()
@Module({
  providers: [embeddedPostgresProvider, dataSourceProvider],
  exports: [DataSource],
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
