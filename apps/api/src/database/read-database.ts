import type { DataSource } from 'typeorm';
import type { Database } from './database';

/**
 * Where the console's lists, search and stats read (SPEC §17): DATABASE_READ_URL's pool, a read
 * replica, when it is set; else the primary's. Nothing is ever written through it: ingestion,
 * claims, completions, operator verbs and the periodic jobs use the primary.
 */
export class ReadDatabase {
  constructor(
    /** For reads written with TypeORM's `query()`. */
    readonly dataSource: DataSource,
    /** For reads written as store statements. */
    readonly sql: Database,
  ) {}
}
