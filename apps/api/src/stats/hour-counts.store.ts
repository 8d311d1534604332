import { Injectable } from '@nestjs/common';
import { Database, type Statement } from '../database/database';

// Past hours only: the current and the previous one are still written often.
const FOLDED_HOURS = `hour < date_bin('1 hour', now(), timestamptz 'epoch') - interval '1 hour'`;

const FOLD_SHARDS: Statement = {
  name: 'trigger_hour_counts_fold_shards',
  // One statement: the totals stay exact at every moment. Rows a writer holds are skipped
  // (folded next time), so the job never waits for one nor deadlocks with it.
  text: `WITH picked AS (
           SELECT hour, trigger_id, measure, shard FROM trigger_hour_counts
           WHERE ${FOLDED_HOURS} AND shard <> 0
           ORDER BY 1, 2, 3, 4 FOR UPDATE SKIP LOCKED
         ), folded AS (
           DELETE FROM trigger_hour_counts c USING picked p
           WHERE (c.hour, c.trigger_id, c.measure, c.shard) = (p.hour, p.trigger_id, p.measure, p.shard)
           RETURNING c.hour, c.trigger_id, c.measure, c.n
         )
         INSERT INTO trigger_hour_counts AS c (hour, trigger_id, measure, shard, n)
         SELECT hour, trigger_id, measure, 0, sum(n) FROM folded
         GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
         ON CONFLICT (hour, trigger_id, measure, shard) DO UPDATE SET n = c.n + excluded.n`,
};

const DELETE_ZEROES: Statement = {
  name: 'trigger_hour_counts_delete_zeroes',
  text: `DELETE FROM trigger_hour_counts
         WHERE (hour, trigger_id, measure, shard) IN (
           SELECT hour, trigger_id, measure, shard FROM trigger_hour_counts
           WHERE ${FOLDED_HOURS} AND n = 0 FOR UPDATE SKIP LOCKED)`,
};

/**
 * `trigger_hour_counts` is written by the database itself, with every statement that changes
 * the rows it counts (see its migration). This keeps it small: each connection writes a shard
 * of its own, and past hours are folded into one row per trigger, hour and measure.
 */
@Injectable()
export class HourCountsStore {
  constructor(private readonly database: Database) {}

  /** Folds the shards of past hours and deletes rows that count nothing; answers rows folded. */
  async compact(): Promise<number> {
    const { rowCount } = await this.database.run(FOLD_SHARDS);
    await this.database.run(DELETE_ZEROES);
    return rowCount;
  }
}
