import { Injectable } from '@nestjs/common';
import type { Alert } from '@triggerline/contracts';
import { DataSource } from 'typeorm';
import { StatsRepository } from '../stats/stats.repository';
import { alertKey, currentAlerts } from './current-alerts';

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
}

/** Alert state lives in the database so that several processes raise each alert once. */
@Injectable()
export class AlertsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stats: StatsRepository,
  ) {}

  /**
   * Compares the live numbers with the stored alerts and stores the difference, under a lock
   * that one process at a time holds; the others skip this round.
   */
  async evaluate(dlqThreshold: number): Promise<AlertChanges | null> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }]: { locked: boolean }[] = await manager.query(
        `SELECT pg_try_advisory_xact_lock($1) AS locked`,
        [EVALUATION_LOCK_KEY],
      );
      if (!locked) {
        return null;
      }
      const alerts = currentAlerts({
        triggers: await this.stats.triggerVolumes(manager),
        dlqSize: await this.stats.dlqSize(manager),
        dlqThreshold,
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
          [
            alertKey(alert),
            alert.code,
            alert.code === 'watermark_hit' ? alert.triggerId : null,
            JSON.stringify(alert),
          ],
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

  /** Takes the alerts still to be POSTed, leasing them so that no other process does too. */
  async claimNotifications(): Promise<PendingNotification[]> {
    const rows: { key: string; details: Alert; started_at: Date; notify_attempts: number }[] =
      await this.dataSource.query(
        // Wrapped in a SELECT: TypeORM answers a bare UPDATE ... RETURNING with [rows, count].
        `WITH claimed AS (
           UPDATE alerts
           SET notify_attempts = notify_attempts + 1,
               notify_claimed_until = now() + interval '30 seconds'
           WHERE notified_at IS NULL AND notify_attempts < $1
             AND (notify_claimed_until IS NULL OR notify_claimed_until < now())
           RETURNING key, details, started_at, notify_attempts
         )
         SELECT * FROM claimed`,
        [MAX_NOTIFY_ATTEMPTS],
      );
    return rows.map((row) => ({
      key: row.key,
      alert: row.details,
      startedAt: row.started_at,
      attempts: row.notify_attempts,
    }));
  }

  async markNotified(key: string): Promise<void> {
    await this.dataSource.query(`UPDATE alerts SET notified_at = now() WHERE key = $1`, [key]);
  }

  /** A failed POST is retried after `delayMs`. */
  async retryNotificationLater(key: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE alerts SET notify_claimed_until = now() + $2 * interval '1 millisecond' WHERE key = $1`,
      [key, delayMs],
    );
  }
}
