import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient, QueryResultRow } from 'pg';

/**
 * A statement of a store. The hot ones are prepared: PostgreSQL parses and plans them once per
 * connection instead of once per call. The name must be unique and stable for a given text.
 */
export interface Statement {
  name: string;
  text: string;
}

export interface Rows<R> {
  rows: R[];
  rowCount: number;
}

/** What a store runs its SQL on: the pool, or one transaction's connection. */
export interface Sql {
  /** Runs a store's statement, as a named prepared statement unless those are switched off. */
  run<R extends QueryResultRow>(statement: Statement, values?: unknown[]): Promise<Rows<R>>;
}

/**
 * A TypeORM transaction's connection as a store's `Sql`, for a store statement that must run
 * inside that transaction (statements go unnamed there).
 */
export function sqlOfManager(manager: {
  query: (text: string, values?: unknown[]) => Promise<unknown>;
}): Sql {
  return {
    run: async <R extends QueryResultRow>(statement: Statement, values: unknown[] = []) => {
      const rows = (await manager.query(statement.text, values)) as R[];
      return { rows, rowCount: rows.length };
    },
  };
}

/**
 * The `pg` pool shared with TypeORM, for the stores' plain SQL. TypeORM's `query()` sends every
 * statement unnamed, so PostgreSQL parses and plans it each time; here the hot statements are
 * named (`{ name, text, values }`) and prepared once per connection.
 */
export class Database implements Sql {
  // The transaction whose callback is running, if any: taking a second connection from the pool
  // there holds two at once, which deadlocks the embedded database (one connection) and can
  // exhaust a server pool. Refused loudly instead, so that tests on any database catch it.
  private readonly inTransaction = new AsyncLocalStorage<{ isOpen: boolean }>();

  constructor(
    private readonly pool: Pool,
    /** False behind a pooler without prepared-statement support (PgBouncer before 1.21). */
    private readonly isPrepared: boolean,
  ) {}

  run<R extends QueryResultRow>(statement: Statement, values: unknown[] = []): Promise<Rows<R>> {
    this.refuseInsideTransaction(statement.name);
    return runOn(this.pool, statement, values, this.isPrepared);
  }

  /** Runs SQL whose text varies (filters built at run time), unnamed. */
  async query<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<Rows<R>> {
    this.refuseInsideTransaction(text.slice(0, 60));
    const result = await this.pool.query<R>(text, values);
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  }

  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  async transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    this.refuseInsideTransaction('BEGIN');
    const client = await this.pool.connect();
    // Work that outlives the transaction (a wake-up it started) may use the pool again.
    const transaction = { isOpen: true };
    let isBroken = false;
    try {
      await client.query('BEGIN');
      const result = await this.inTransaction.run(transaction, () =>
        work({
          run: (statement, values = []) => runOn(client, statement, values, this.isPrepared),
        }),
      );
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        isBroken = true; // the connection is gone or unusable: do not return it to the pool
      });
      throw error;
    } finally {
      transaction.isOpen = false;
      client.release(isBroken);
    }
  }

  private refuseInsideTransaction(what: string): void {
    if (this.inTransaction.getStore()?.isOpen === true) {
      throw new Error(`"${what}" asked the pool for a second connection inside a transaction`);
    }
  }
}

async function runOn<R extends QueryResultRow>(
  client: Pool | PoolClient,
  statement: Statement,
  values: unknown[],
  isPrepared: boolean,
): Promise<Rows<R>> {
  const result = await client.query<R>(
    isPrepared
      ? { name: statement.name, text: statement.text, values }
      : { text: statement.text, values },
  );
  return { rows: result.rows, rowCount: result.rowCount ?? 0 };
}
