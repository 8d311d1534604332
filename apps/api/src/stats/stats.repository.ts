import { Injectable } from '@nestjs/common';
import {
  ACTION_TYPES,
  type ActionType,
  EXECUTION_STATUSES,
  type ExecutionBucket,
  type ExecutionStatus,
  type TriggerStats,
} from '@triggerline/contracts';
import { DataSource, type EntityManager } from 'typeorm';

export interface WindowCounts {
  since: Date;
  byStatus: Record<ExecutionStatus, number>;
  byActionType: Record<ActionType, number>;
  idempotentReplays: number;
  retriesObserved: number;
  series: ExecutionBucket[];
}

const HOUR_MS = 3_600_000;

/** The SQL of the stats: parameterised, each count served by an index on its time column. */
@Injectable()
export class StatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async windowCounts(days: number): Promise<WindowCounts> {
    const [sinceRow]: { since: Date }[] = await this.dataSource.query(
      `SELECT now() - $1 * interval '1 day' AS since`,
      [days],
    );
    const since = sinceRow.since;
    // Hourly buckets for one day, daily ones beyond; aligned on `since`.
    const bucketMs = days === 1 ? HOUR_MS : 24 * HOUR_MS;
    const groups: { status: ExecutionStatus; action_type: ActionType; bucket: Date; n: number }[] =
      await this.dataSource.query(
        `SELECT e.status, t.action->>'type' AS action_type,
                date_bin($2 * interval '1 millisecond', e.created_at, $1) AS bucket,
                count(*)::int AS n
         FROM executions e JOIN triggers t ON t.id = e.trigger_id
         WHERE e.created_at >= $1
         GROUP BY 1, 2, 3`,
        [since, bucketMs],
      );
    const [others]: { duplicates: number; retries: number }[] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM duplicate_deliveries WHERE received_at >= $1) AS duplicates,
              (SELECT count(*)::int FROM attempts WHERE started_at >= $1 AND number > 1) AS retries`,
      [since],
    );
    const byStatus = zeroes(EXECUTION_STATUSES);
    const byActionType = zeroes(ACTION_TYPES);
    const series = Array.from({ length: (days * 24 * HOUR_MS) / bucketMs }, (_, index) => ({
      start: new Date(since.getTime() + index * bucketMs).toISOString(),
      total: 0,
      deadLettered: 0,
    }));
    for (const group of groups) {
      // The last bucket also takes what came in during the request (created after `since + days`).
      const bucket =
        series[
          Math.min(
            series.length - 1,
            Math.round((group.bucket.getTime() - since.getTime()) / bucketMs),
          )
        ];
      bucket.total += group.n;
      if (group.status === 'dead_lettered') {
        bucket.deadLettered += group.n;
      }
      byStatus[group.status] += group.n;
      if (group.action_type in byActionType) {
        byActionType[group.action_type] += group.n;
      }
    }
    return {
      since,
      byStatus,
      byActionType,
      idempotentReplays: others.duplicates,
      retriesObserved: others.retries,
      series,
    };
  }

  async dlqSize(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [row]: { n: number }[] = await manager.query(
      `SELECT count(*)::int AS n FROM dead_letters WHERE resolved_at IS NULL`,
    );
    return row.n;
  }

  /** Every trigger with its executions over the last 24 hours (the watermark's window). */
  async triggerVolumes(manager: EntityManager = this.dataSource.manager): Promise<TriggerStats[]> {
    const rows: { id: string; slug: string; daily_watermark: number | null; n: number }[] =
      await manager.query(
        `SELECT t.id, t.slug, t.daily_watermark,
                (SELECT count(*)::int FROM executions e
                 WHERE e.trigger_id = t.id AND e.created_at >= now() - interval '24 hours') AS n
         FROM triggers t ORDER BY t.slug`,
      );
    return rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      executions24h: row.n,
      dailyWatermark: row.daily_watermark,
      watermarkHit: row.daily_watermark !== null && row.n > row.daily_watermark,
    }));
  }
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}
