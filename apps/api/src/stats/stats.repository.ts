import { Injectable } from '@nestjs/common';
import {
  ACTION_TYPES,
  type ActionType,
  type CircuitState,
  type ClassificationRule,
  type DeliveryFilter,
  EXECUTION_STATUSES,
  type ExecutionBucket,
  type ExecutionStatus,
  type RouterHealth,
  type TriggerStats,
} from '@triggerline/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { ReadDatabase } from '../database/read-database';
import type { StoredRulePause } from '../triggers/trigger.entity';
import type { SilenceWatch } from './current-alerts';

export interface WindowCounts {
  since: Date;
  byStatus: Record<ExecutionStatus, number>;
  byActionType: Record<ActionType, number>;
  idempotentReplays: number;
  idempotencyConflicts: number;
  retriesObserved: number;
  series: ExecutionBucket[];
}

const HOUR_MS = 3_600_000;

// The hour (UTC) of a time, as `trigger_hour_counts` keys it.
const hourOf = (time: string) => `date_bin('1 hour', ${time}, timestamptz 'epoch')`;

/**
 * The SQL of the stats: parameterised, served by counters or indexes. The console's reads go to
 * the read replica (DATABASE_READ_URL) when there is one; the alerts pass the primary's
 * transaction.
 */
@Injectable()
export class StatsRepository {
  private readonly dataSource: DataSource;

  constructor(reads: ReadDatabase) {
    this.dataSource = reads.dataSource;
  }

  /**
   * Counts from `trigger_hour_counts` (see its migration): the window starts at the hour
   * `days` days ago and ends now, whole hours, so it spans up to one hour more than `days`.
   */
  async windowCounts(days: number): Promise<WindowCounts> {
    const [sinceRow]: { since: Date }[] = await this.dataSource.query(
      `SELECT ${hourOf("now() - $1 * interval '1 day'")} AS since`,
      [days],
    );
    const since = sinceRow.since;
    // Hourly buckets for one day, daily ones beyond; aligned on `since`.
    const bucketMs = days === 1 ? HOUR_MS : 24 * HOUR_MS;
    const counts: { measure: string; action_type: ActionType | null; hour: Date; n: number }[] =
      await this.dataSource.query(
        `SELECT c.measure, t.action->>'type' AS action_type, c.hour, sum(c.n)::int AS n
         FROM trigger_hour_counts c LEFT JOIN triggers t ON t.id = c.trigger_id
         WHERE c.hour >= $1
         GROUP BY 1, 2, 3 HAVING sum(c.n) <> 0`,
        [since],
      );
    const others = { duplicate: 0, conflict: 0, retry: 0 };
    const groups: {
      status: ExecutionStatus;
      action_type: ActionType | null;
      bucket: Date;
      n: number;
    }[] = [];
    for (const count of counts) {
      if (count.measure in others) {
        others[count.measure as keyof typeof others] += count.n;
      } else {
        groups.push({
          status: count.measure as ExecutionStatus,
          action_type: count.action_type,
          bucket: count.hour,
          n: count.n,
        });
      }
    }
    const byStatus = zeroes(EXECUTION_STATUSES);
    const byActionType = zeroes(ACTION_TYPES);
    const series = Array.from({ length: (days * 24 * HOUR_MS) / bucketMs }, (_, index) => ({
      start: new Date(since.getTime() + index * bucketMs).toISOString(),
      total: 0,
      deadLettered: 0,
    }));
    for (const group of groups) {
      // The last bucket also takes the current hour (the window is one hour more than `days`).
      const bucket =
        series[
          Math.min(
            series.length - 1,
            Math.floor((group.bucket.getTime() - since.getTime()) / bucketMs),
          )
        ];
      bucket.total += group.n;
      if (group.status === 'dead_lettered') {
        bucket.deadLettered += group.n;
      }
      byStatus[group.status] += group.n;
      if (group.action_type !== null && group.action_type in byActionType) {
        byActionType[group.action_type] += group.n;
      }
    }
    return {
      since,
      byStatus,
      byActionType,
      idempotentReplays: others.duplicate,
      idempotencyConflicts: others.conflict,
      retriesObserved: others.retry,
      series,
    };
  }

  async dlqSize(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [row]: { n: number }[] = await manager.query(
      `SELECT count(*)::int AS n FROM dead_letters WHERE resolved_at IS NULL`,
    );
    return row.n;
  }

  /**
   * Executions waiting for an operator to confirm their outcome, served by a partial index; not
   * those the worker will still ask their gateway about (`reconcile_at` set, SPEC §15).
   */
  async outcomeUnknownCount(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [row]: { n: number }[] = await manager.query(
      `SELECT count(*)::int AS n FROM executions
       WHERE status = 'outcome_unknown' AND reconcile_at IS NULL`,
    );
    return row.n;
  }

  /** Triggers a `pause` classification rule paused and nobody resumed since (SPEC §15). */
  async pausedByRule(
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ triggerId: string; rule: ClassificationRule; at: string }[]> {
    const rows: { id: string; paused_by_rule: StoredRulePause }[] = await manager.query(
      `SELECT id, paused_by_rule FROM triggers
       WHERE paused AND paused_by_rule IS NOT NULL ORDER BY id`,
    );
    return rows.map((row) => ({ triggerId: row.id, ...row.paused_by_rule }));
  }

  /**
   * Enabled triggers with a silence alert, with the last webhook that reached them: accepted
   * (not a replay, not a dead-letter handler's run) or duplicate; else their creation. And the
   * database's clock, the one that stamped those times.
   */
  async silenceWatches(
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ now: Date; watches: SilenceWatch[] }> {
    const rows: {
      id: string;
      silence_alert_minutes: number;
      last_delivery_at: Date;
      now: Date;
    }[] = await manager.query(
      // The hour of the last duplicate comes from the counters, so that finding its time reads
      // that hour's duplicates only, not every duplicate of every trigger received since.
      `SELECT t.id, t.silence_alert_minutes, now() AS now,
              greatest(
                t.created_at,
                (SELECT max(e.created_at) FROM executions e
                 WHERE e.trigger_id = t.id AND e.replay_of IS NULL
                   AND e.handles_dead_letter_id IS NULL),
                (SELECT max(d.received_at) FROM duplicate_deliveries d
                 WHERE d.trigger_id = t.id AND d.received_at >= last_duplicate.hour
                   AND d.received_at < last_duplicate.hour + interval '1 hour')
              ) AS last_delivery_at
       FROM triggers t,
            LATERAL (SELECT max(hour) AS hour FROM (
                       SELECT c.hour FROM trigger_hour_counts c
                       WHERE c.trigger_id = t.id AND c.measure = 'duplicate'
                       GROUP BY c.hour HAVING sum(c.n) > 0) counted) last_duplicate
       WHERE t.enabled AND t.silence_alert_minutes IS NOT NULL`,
    );
    const [{ now }]: { now: Date }[] =
      rows.length > 0 ? rows : await manager.query(`SELECT now() AS now`);
    return {
      now,
      watches: rows.map((row) => ({
        triggerId: row.id,
        lastDeliveryAt: row.last_delivery_at,
        thresholdMinutes: row.silence_alert_minutes,
      })),
    };
  }

  /** Every trigger with its executions since the hour 24 hours ago (the watermark's window, in
   * whole hours), its backlog and its flow state. */
  async triggerVolumes(manager: EntityManager = this.dataSource.manager): Promise<TriggerStats[]> {
    const rows: {
      id: string;
      slug: string;
      daily_watermark: number | null;
      n: number;
      backlog: number;
      paused: boolean;
      circuit_state: CircuitState;
    }[] = await manager.query(
      // backlog: due executions not yet running, those flow control holds included.
      `SELECT t.id, t.slug, t.daily_watermark, t.paused,
              coalesce(f.circuit_state, 'closed') AS circuit_state,
              (SELECT coalesce(sum(c.n), 0)::int FROM trigger_hour_counts c
               WHERE c.trigger_id = t.id AND c.measure = ANY($1)
                 AND c.hour >= ${hourOf("now() - interval '24 hours'")}) AS n,
              (SELECT count(*)::int FROM executions e
               WHERE e.trigger_id = t.id AND e.status IN ('pending', 'failed_retryable')
                 AND (e.due_at <= now() OR e.held_by IS NOT NULL)) AS backlog
       FROM triggers t LEFT JOIN trigger_flow f ON f.trigger_id = t.id
       ORDER BY t.slug`,
      [EXECUTION_STATUSES],
    );
    return rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      executions24h: row.n,
      dailyWatermark: row.daily_watermark,
      watermarkHit: row.daily_watermark !== null && row.n > row.daily_watermark,
      backlog: row.backlog,
      paused: row.paused,
      circuitState: row.circuit_state,
    }));
  }

  /**
   * SPEC §14: each route of the router, in order, with its trigger's state and what became of
   * the executions the router sent it in the last 24 hours; null when there is no such router.
   */
  async routerHealth(routerId: string): Promise<RouterHealth | null> {
    const [router]: { since: Date; found: boolean }[] = await this.dataSource.query(
      `SELECT now() - interval '24 hours' AS since,
              EXISTS (SELECT 1 FROM triggers WHERE id = $1) AS found`,
      [routerId],
    );
    if (!router.found) {
      return null;
    }
    const rows: {
      slug: string;
      filter: DeliveryFilter | null;
      id: string;
      enabled: boolean;
      paused: boolean;
      circuit_state: CircuitState;
      succeeded: number;
      failed: number;
      dead_lettered: number;
    }[] = await this.dataSource.query(
      `SELECT t.slug, r.route->'filter' AS filter, t.id, t.enabled, t.paused,
              coalesce(f.circuit_state, 'closed') AS circuit_state, c.*
       FROM triggers router
       CROSS JOIN LATERAL jsonb_array_elements(coalesce(router.routes, '[]'))
         WITH ORDINALITY AS r(route, position)
       JOIN triggers t ON t.slug = r.route->>'trigger'
       LEFT JOIN trigger_flow f ON f.trigger_id = t.id
       CROSS JOIN LATERAL (
         SELECT count(*) FILTER (WHERE e.status = 'succeeded')::int AS succeeded,
                count(*) FILTER (WHERE e.status IN ('failed_retryable', 'outcome_unknown'))::int
                  AS failed,
                count(*) FILTER (WHERE e.status = 'dead_lettered')::int AS dead_lettered
         FROM executions e
         WHERE e.trigger_id = t.id AND e.routed_from = router.id AND e.created_at >= $2) c
       WHERE router.id = $1
       ORDER BY r.position`,
      [routerId, router.since],
    );
    return {
      since: router.since.toISOString(),
      routes: rows.map((row) => ({
        trigger: row.slug,
        triggerId: row.id,
        filter: row.filter,
        enabled: row.enabled,
        paused: row.paused,
        circuitState: row.circuit_state,
        succeeded: row.succeeded,
        failed: row.failed,
        deadLettered: row.dead_lettered,
      })),
    };
  }
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}
