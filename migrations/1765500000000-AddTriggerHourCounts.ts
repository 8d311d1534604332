import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SPEC §17: what the stats, the watermark gauges and the alerts count, kept per trigger and hour
 * as the rows change, so that no read counts history row by row. `trigger_hour_counts` holds,
 * for each hour (UTC) and trigger, the executions created in that hour by their current status
 * (measure = the status), the duplicate deliveries received in it (`duplicate`, and `conflict`
 * for those whose body differed) and, for every trigger at once (the nil uuid), the attempts
 * after the first started in it (`retry`). They count what is stored: a recount of the three
 * tables grouped the same way gives exactly the same numbers, whatever erased or retention
 * deleted.
 *
 * Statement-level triggers with transition tables write them: the statement that inserts,
 * updates or deletes the rows also adds its net change per (hour, trigger, measure), in one
 * upsert, so a batch of a thousand completions writes a few counter rows, and the statements
 * the stores run stay the ones they were. Each connection writes its own `shard` (its backend
 * pid modulo 16): concurrent transactions of one trigger and hour do not queue on one row
 * until each commits. Readers add the shards; retention folds those of past hours into shard 0.
 */
// The hour of a time, in UTC whatever the session's time zone.
const hour = (column: string) => `date_bin('1 hour', ${column}, timestamptz 'epoch')`;

// Every table counted, with what one of its rows counts for: (hour, trigger_id, measure) rows.
const MEASURES: Record<string, (rows: string) => string> = {
  executions: (rows) => `SELECT ${hour('created_at')} AS hour, trigger_id, status AS measure
                         FROM ${rows}`,
  duplicate_deliveries: (rows) => `
    SELECT ${hour('received_at')} AS hour, trigger_id, 'duplicate' AS measure FROM ${rows}
    UNION ALL
    SELECT ${hour('received_at')}, trigger_id, 'conflict' FROM ${rows} WHERE conflict`,
  attempts: (rows) => `
    SELECT ${hour('started_at')} AS hour, '00000000-0000-0000-0000-000000000000'::uuid AS trigger_id,
           'retry' AS measure
    FROM ${rows} WHERE number > 1`,
};

// What each table's rows count for, by measure: a TRUNCATE of the table zeroes them.
const TRUNCATED: Record<string, string> = {
  executions: `measure NOT IN ('duplicate', 'conflict', 'retry')`,
  duplicate_deliveries: `measure IN ('duplicate', 'conflict')`,
  attempts: `measure = 'retry'`,
};

const TRANSITION_TABLES = {
  insert: 'NEW TABLE AS new_rows',
  update: 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
  delete: 'OLD TABLE AS old_rows',
};

// Adds a statement's net change to the connection's shard; sorted, so that two statements
// touching the same rows lock them in the same order. Most updates change no status (leases,
// held reasons): their net change is empty and writes nothing.
function countingFunction(table: string, measures: (rows: string) => string): string {
  const upsert = (changes: string) => `
    INSERT INTO trigger_hour_counts AS c (hour, trigger_id, measure, shard, n)
    SELECT hour, trigger_id, measure, pg_backend_pid() % 16, sum(delta)
    FROM (${changes}) changes
    GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (hour, trigger_id, measure, shard) DO UPDATE SET n = c.n + excluded.n;`;
  const added = `SELECT *, 1 AS delta FROM (${measures('new_rows')}) added`;
  const removed = `SELECT *, -1 AS delta FROM (${measures('old_rows')}) removed`;
  // Each branch names only the transition tables its operation has (PL/pgSQL plans a branch
  // when it first runs).
  return `
    CREATE FUNCTION triggerline_count_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN ${upsert(added)}
      ELSIF TG_OP = 'DELETE' THEN ${upsert(removed)}
      ELSIF TG_OP = 'TRUNCATE' THEN DELETE FROM trigger_hour_counts WHERE ${TRUNCATED[table]};
      ELSE ${upsert(`${removed} UNION ALL ${added}`)}
      END IF;
      RETURN NULL;
    END
    $$`;
}

export class AddTriggerHourCounts1765500000000 implements MigrationInterface {
  name = 'AddTriggerHourCounts1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Writers wait while the counters are created and back-filled: none is counted twice or lost.
    await queryRunner.query(
      `LOCK TABLE executions, duplicate_deliveries, attempts IN SHARE ROW EXCLUSIVE MODE`,
    );
    // No foreign key: a trigger's deletion cascades to its rows, whose triggers bring its
    // counters to zero, whatever order the cascades run in.
    await queryRunner.query(`
      CREATE TABLE trigger_hour_counts (
        hour timestamptz NOT NULL,
        trigger_id uuid NOT NULL,
        measure text NOT NULL,
        shard smallint NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (hour, trigger_id, measure, shard)
      )`);
    // One trigger's counts (its last duplicate, for the silence check), by measure and hour.
    await queryRunner.query(
      `CREATE INDEX trigger_hour_counts_trigger_idx ON trigger_hour_counts (trigger_id, measure, hour)`,
    );
    for (const [table, measures] of Object.entries(MEASURES)) {
      await queryRunner.query(countingFunction(table, measures));
      for (const [op, referencing] of Object.entries(TRANSITION_TABLES)) {
        await queryRunner.query(`
          CREATE TRIGGER ${table}_count_${op} AFTER ${op.toUpperCase()} ON ${table}
          REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION triggerline_count_${table}()`);
      }
      await queryRunner.query(`
        CREATE TRIGGER ${table}_count_truncate AFTER TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION triggerline_count_${table}()`);
    }
    for (const [table, measures] of Object.entries(MEASURES)) {
      const counted = measures(table);
      await queryRunner.query(`
        INSERT INTO trigger_hour_counts (hour, trigger_id, measure, shard, n)
        SELECT hour, trigger_id, measure, 0, count(*) FROM (${counted}) counted
        GROUP BY 1, 2, 3`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of Object.keys(MEASURES)) {
      for (const op of [...Object.keys(TRANSITION_TABLES), 'truncate']) {
        await queryRunner.query(`DROP TRIGGER ${table}_count_${op} ON ${table}`);
      }
      await queryRunner.query(`DROP FUNCTION triggerline_count_${table}()`);
    }
    await queryRunner.query(`DROP TABLE trigger_hour_counts`);
  }
}
