import type { ClientBase } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DataSourceSettings {
  url: string;
  /** Connections in the pool; the embedded database has exactly one session. */
  poolSize: number;
  applicationName?: string;
  /** Runs on each new connection before the pool hands it out. */
  onConnect?: (client: ClientBase) => Promise<void>;
}

/** The one description of the database, used by the app, the tests and the TypeORM CLI. */
export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is built in since PostgreSQL 13; never try to install uuid-ossp.
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    applicationName: settings.applicationName ?? 'triggerline',
    poolSize: settings.poolSize,
    extra: { connectionTimeoutMillis: 5000, onConnect: settings.onConnect },
  };
}
