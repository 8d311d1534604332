import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { schedulePeriodicJob } from '../scheduling/periodic-job';
import { type AlertChannel, AlertsRepository, type PendingNotification } from './alerts.repository';
import { slackText } from './slack-message';

const EVALUATION_JOB = 'alerts-evaluation';
const NOTIFY_TIMEOUT_MS = 5000;
const MAX_RETRY_DELAY_MS = 300_000;

/**
 * Evaluates the alerts every ALERT_INTERVAL_MS: logs a warning when one
 * starts and an info line when it clears, and POSTs each start once to ALERT_WEBHOOK_URL (as
 * JSON) and to ALERT_SLACK_WEBHOOK_URL (as a readable line).
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
    const changes = await this.repository.evaluate(
      this.config.dlqAlertThreshold,
      this.config.rejectionAlertThreshold,
    );
    for (const alert of changes?.started ?? []) {
      this.logger.warn({ evt: 'alert_started', ...alert });
    }
    for (const alert of changes?.cleared ?? []) {
      this.logger.log({ evt: 'alert_cleared', ...alert });
    }
    for (const [channel, url] of this.channels()) {
      await this.notify(channel, url);
    }
  }

  private channels(): [AlertChannel, string][] {
    const channels: [AlertChannel, string][] = [];
    if (this.config.alertWebhookUrl !== undefined) {
      channels.push(['webhook', this.config.alertWebhookUrl]);
    }
    if (this.config.alertSlackWebhookUrl !== undefined) {
      channels.push(['slack', this.config.alertSlackWebhookUrl]);
    }
    return channels;
  }

  private async notify(channel: AlertChannel, url: string): Promise<void> {
    for (const pending of await this.repository.claimNotifications(channel)) {
      if (await this.post(channel, url, pending)) {
        await this.repository.markNotified(channel, pending.key);
      } else {
        const delay = Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** pending.attempts);
        await this.repository.retryNotificationLater(channel, pending.key, delay);
      }
    }
  }

  private body(channel: AlertChannel, pending: PendingNotification): string {
    switch (channel) {
      case 'webhook':
        return JSON.stringify({ ...pending.alert, startedAt: pending.startedAt.toISOString() });
      case 'slack':
        return JSON.stringify({
          text: slackText({ ...pending, publicUrl: this.config.publicUrl }),
        });
    }
  }

  private async post(
    channel: AlertChannel,
    url: string,
    pending: PendingNotification,
  ): Promise<boolean> {
    const log = { key: pending.key, channel };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: this.body(channel, pending),
        redirect: 'manual',
        signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.ok) {
        this.logger.log({ evt: 'alert_notified', ...log });
        return true;
      }
      this.logger.warn({ evt: 'alert_notify_failed', ...log, status: response.status });
    } catch (error) {
      this.logger.warn({ evt: 'alert_notify_failed', ...log, error: (error as Error).message });
    }
    return false;
  }
}
