import { Injectable } from '@nestjs/common';
import type { RejectionReason } from '@triggerline/contracts';
import { Database, type Statement } from '../database/database';

/** Outcomes of deliveries that leave no execution behind, counted per trigger and hour. */
export type UncountedOutcome = 'filtered' | `rejected:${RejectionReason}`;

// The hour of a time in UTC whatever the session's time zone (date_trunc would cut a
// half-hour zone's hours at :30 UTC), as trigger_hour_counts buckets its counts.
const hourOf = (time: string) => `date_bin('1 hour', ${time}, timestamptz 'epoch')`;

const COUNT: Statement = {
  name: 'delivery_outcome_counts_count',
  text: `INSERT INTO delivery_outcome_counts (trigger_id, hour, outcome, count)
         VALUES ($1, ${hourOf('now()')}, $2, 1)
         ON CONFLICT (hour, trigger_id, outcome)
         DO UPDATE SET count = delivery_outcome_counts.count + 1`,
};

const SINCE: Statement = {
  name: 'delivery_outcome_counts_since',
  text: `SELECT outcome, sum(count)::int AS n FROM delivery_outcome_counts
         WHERE hour >= ${hourOf('$1::timestamptz')} GROUP BY outcome`,
};

const PURGE: Statement = {
  name: 'delivery_outcome_counts_purge',
  text: `DELETE FROM delivery_outcome_counts WHERE hour < now() - interval '91 days'`,
};

/**
 * The one owner of `delivery_outcome_counts`: filtered and refused deliveries create no
 * execution, so the stats count them here (the rejections log itself is bounded, not a count).
 */
@Injectable()
export class DeliveryOutcomeCounts {
  constructor(private readonly database: Database) {}

  async count(triggerId: string, outcome: UncountedOutcome): Promise<void> {
    await this.database.run(COUNT, [triggerId, outcome]);
  }

  /** Totals per outcome since the start of `since`'s hour. */
  async since(since: Date): Promise<Map<UncountedOutcome, number>> {
    const { rows } = await this.database.run<{ outcome: UncountedOutcome; n: number }>(SINCE, [
      since,
    ]);
    return new Map(rows.map((row) => [row.outcome, row.n]));
  }

  /** Keeps the 90 days the stats can ask for. */
  async purge(): Promise<number> {
    return (await this.database.run(PURGE)).rowCount;
  }
}
