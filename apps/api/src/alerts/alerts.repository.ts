import { Injectable } from '@nestjs/common';
import type { Alert } from '@triggerline/contracts';
import { DataSource } from 'typeorm';
import { sqlOfManager } from '../database/database';
import { StatsRepository } from '../stats/stats.repository';
import { FlowGroupsStore } from '../flow/flow-groups.store';
import { FlowStore } from '../flow/flow.store';
import { RejectionsStore } from '../rejections/rejections.store';
import { alertKey, alertTriggerId, currentAlerts } from '../stats/current-alerts';

// Any constant shared by every Triggerline process.
const EVALUATION_LOCK_KEY = 7_305_219_412;
const MAX_NOTIFY_ATTEMPTS = 10;

export interface AlertChanges {
  started: Alert[];
  cleared: Alert[];
}

export interface PendingNotification {
  key: string;
  alert: Alert;
  startedAt: Date;
  attempts: number;
  /** The slug of the trigger the alert is about, for messages people read. */
  triggerSlug: string | null;
}

/** ALERT_WEBHOOK_URL gets the alert as JSON, ALERT_SLACK_WEBHOOK_URL a readable `{ text }`. */
export type AlertChannel = 'webhook' | 'slack';

// Each channel's delivery state in `alerts` (constant names, never input).
const CHANNEL_COLUMNS: Record<
  AlertChannel,
  { notifiedAt: string; attempts: string; claimedUntil: string }
> = {
  webhook: {
    notifiedAt: 'notified_at',
    attempts: 'notify_attempts',
    claimedUntil: 'notify_claimed_until',
  },
  slack: {
    notifiedAt: 'slack_notified_at',
    attempts: 'slack_notify_attempts',
    claimedUntil: 'slack_notify_claimed_until',
  },
};

/** Alert state lives in the database so that several processes raise each alert once. */
@Injectable()
export class AlertsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stats: StatsRepository,
    private readonly flow: FlowStore,
    private readonly rejections: RejectionsStore,
    private readonly flowGroups: FlowGroupsStore,
  ) {}

  /**
   * Compares the live numbers with the stored alerts and stores the difference, under a lock
   * that one process at a time holds; the others skip this round.
   */
  async evaluate(dlqThreshold: number, rejectionThreshold: number): Promise<AlertChanges | null> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }]: { locked: boolean }[] = await manager.query(
        `SELECT pg_try_advisory_xact_lock($1) AS locked`,
        [EVALUATION_LOCK_KEY],
      );
      if (!locked) {
        return null;
      }
      // Read under the lock, on the transaction's connection (the embedded database has only
      // one): read before it, a process could raise again an alert that another one cleared
      // while it waited, and post it twice.
      const sql = sqlOfManager(manager);
      const openCircuits = await this.flow.openCircuits(sql);
      const rejecting = await this.rejections.rejecting(rejectionThreshold, sql);
      const groups = await this.flowGroups.list(sql);
      const silence = await this.stats.silenceWatches(manager);
      const alerts = currentAlerts({
        triggers: await this.stats.triggerVolumes(manager),
        openCircuits,
        rejecting,
        dlqSize: await this.stats.dlqSize(manager),
        dlqThreshold,
        outcomeUnknown: await this.stats.outcomeUnknownCount(manager),
        silences: silence.watches,
        pausedByRule: await this.stats.pausedByRule(manager),
        groups,
        now: silence.now,
      });
      const stored: { key: string; details: Alert }[] = await manager.query(
        `SELECT key, details FROM alerts`,
      );
      const storedKeys = new Set(stored.map((row) => row.key));
      const currentKeys = new Set(alerts.map(alertKey));
      const started = alerts.filter((alert) => !storedKeys.has(alertKey(alert)));
      const cleared = stored.filter((row) => !currentKeys.has(row.key));
      for (const alert of started) {
        await manager.query(
          `INSERT INTO alerts (key, code, trigger_id, details) VALUES ($1, $2, $3, $4)`,
          [alertKey(alert), alert.code, alertTriggerId(alert), JSON.stringify(alert)],
        );
      }
      if (cleared.length > 0) {
        await manager.query(`DELETE FROM alerts WHERE key = ANY($1)`, [
          cleared.map((row) => row.key),
        ]);
      }
      return { started, cleared: cleared.map((row) => row.details) };
    });
  }

  /**
   * Takes the alerts still to be sent to `channel`, leasing them so that no other process
   * does too; with the slug of the trigger an alert is about.
   */
  async claimNotifications(channel: AlertChannel): Promise<PendingNotification[]> {
    const c = CHANNEL_COLUMNS[channel];
    const rows: {
      key: string;
      details: Alert;
      started_at: Date;
      attempts: number;
      trigger_slug: string | null;
    }[] = await this.dataSource.query(
      // Wrapped in a SELECT: TypeORM answers a bare UPDATE ... RETURNING with [rows, count].
      `WITH claimed AS (
         UPDATE alerts
         SET ${c.attempts} = ${c.attempts} + 1,
             ${c.claimedUntil} = now() + interval '30 seconds'
         WHERE ${c.notifiedAt} IS NULL AND ${c.attempts} < $1
           AND (${c.claimedUntil} IS NULL OR ${c.claimedUntil} < now())
         RETURNING key, details, started_at, trigger_id, ${c.attempts} AS attempts
       )
       SELECT claimed.*, t.slug AS trigger_slug
       FROM claimed LEFT JOIN triggers t ON t.id = claimed.trigger_id`,
      [MAX_NOTIFY_ATTEMPTS],
    );
    return rows.map((row) => ({
      key: row.key,
      alert: row.details,
      startedAt: row.started_at,
      attempts: row.attempts,
      triggerSlug: row.trigger_slug,
    }));
  }

  async markNotified(channel: AlertChannel, key: string): Promise<void> {
    const c = CHANNEL_COLUMNS[channel];
    await this.dataSource.query(`UPDATE alerts SET ${c.notifiedAt} = now() WHERE key = $1`, [key]);
  }

  /** A failed POST is retried after `delayMs`. */
  async retryNotificationLater(channel: AlertChannel, key: string, delayMs: number): Promise<void> {
    const c = CHANNEL_COLUMNS[channel];
    await this.dataSource.query(
      `UPDATE alerts SET ${c.claimedUntil} = now() + $2 * interval '1 millisecond' WHERE key = $1`,
      [key, delayMs],
    );
  }
}
