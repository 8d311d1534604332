import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnvironment } from '../config/config.module';
import { dataSourceOptions } from './data-source';

// Entry point of the TypeORM CLI (`npm run migration:run`), which takes the default export.
const env = loadEnvironment();
if (env.DATABASE_URL === undefined) {
  throw new Error(
    'DATABASE_URL is not set: the migration commands need a PostgreSQL server ' +
      '(the embedded database migrates itself at start).',
  );
}

// Migrations take session advisory locks: connect directly, never through a transaction pooler.
export default new DataSource(
  dataSourceOptions({ url: env.DATABASE_DIRECT_URL ?? env.DATABASE_URL, poolSize: 2 }),
);
