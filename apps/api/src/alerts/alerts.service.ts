import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { schedulePeriodicJob } from '../scheduling/periodic-job';
import { AlertsRepository, type PendingNotification } from './alerts.repository';

const EVALUATION_JOB = 'alerts-evaluation';
const NOTIFY_TIMEOUT_MS = 5000;
const MAX_RETRY_DELAY_MS = 300_000;

/**
 * Evaluates the watermark and DLQ alerts every ALERT_INTERVAL_MS: logs a warning when one
 * starts and an info line when it clears, and POSTs each start once to ALERT_WEBHOOK_URL.
 */
@Injectable()
export class AlertsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Alerts');

  constructor(
    private readonly repository: AlertsRepository,
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    schedulePeriodicJob(this.scheduler, this.logger, {
      name: EVALUATION_JOB,
      failureEvt: 'alerts_evaluation_failed',
      everyMs: this.config.alertIntervalMs,
      run: () => this.evaluate(),
    });
  }

  async evaluate(): Promise<void> {
    const changes = await this.repository.evaluate(this.config.dlqAlertThreshold);
    for (const alert of changes?.started ?? []) {
      this.logger.warn({ evt: 'alert_started', ...alert });
    }
    for (const alert of changes?.cleared ?? []) {
      this.logger.log({ evt: 'alert_cleared', ...alert });
    }
    if (this.config.alertWebhookUrl !== undefined) {
      await this.notify(this.config.alertWebhookUrl);
    }
  }

  private async notify(url: string): Promise<void> {
    for (const pending of await this.repository.claimNotifications()) {
      if (await this.post(url, pending)) {
        await this.repository.markNotified(pending.key);
      } else {
        const delay = Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** pending.attempts);
        await this.repository.retryNotificationLater(pending.key, delay);
      }
    }
  }

  private async post(url: string, pending: PendingNotification): Promise<boolean> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...pending.alert, startedAt: pending.startedAt.toISOString() }),
        redirect: 'manual',
        signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.ok) {
        this.logger.log({ evt: 'alert_notified', key: pending.key });
        return true;
      }
      this.logger.warn({ evt: 'alert_notify_failed', key: pending.key, status: response.status });
    } catch (error) {
      this.logger.warn({
        evt: 'alert_notify_failed',
        key: pending.key,
        error: (error as Error).message,
      });
    }
    return false;
  }
}
