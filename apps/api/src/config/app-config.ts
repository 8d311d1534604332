import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { RetryPolicy } from '@triggerline/contracts';
import type { EnvironmentVariables, LogLevel, Role } from './env.schema';

/** Typed, validated configuration; the only reader of the environment after boot. */
@Injectable()
export class AppConfig {
  readonly adminToken: string;
  /** True when no ADMIN_TOKEN was configured and one was generated for this process. */
  readonly isAdminTokenGenerated: boolean;

  constructor(private readonly env: EnvironmentVariables) {
    this.isAdminTokenGenerated = env.ADMIN_TOKEN === undefined;
    this.adminToken = env.ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
  }

  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }
  get databaseUrl(): string | undefined {
    return this.env.DATABASE_URL;
  }
  get pgliteDir(): string {
    return this.env.PGLITE_DIR;
  }
  get shouldRunMigrations(): boolean {
    return this.env.MIGRATIONS_RUN;
  }
  get host(): string {
    return this.env.HOST;
  }
  get port(): number {
    return this.env.PORT;
  }
  get role(): Role {
    return this.env.ROLE;
  }
  get servesApi(): boolean {
    return this.env.ROLE !== 'worker';
  }
  get runsWorker(): boolean {
    return this.env.ROLE !== 'api';
  }
  get workerConcurrency(): number {
    return this.env.WORKER_CONCURRENCY;
  }
  get workerPollIntervalMs(): number {
    return this.env.WORKER_POLL_INTERVAL_MS;
  }
  get leaseMs(): number {
    return this.env.LEASE_MS;
  }
  get defaultRetryPolicy(): RetryPolicy {
    return {
      maxAttempts: this.env.RETRY_MAX_ATTEMPTS,
      baseDelayMs: this.env.RETRY_BASE_DELAY_MS,
      maxDelayMs: this.env.RETRY_MAX_DELAY_MS,
      jitterMs: this.env.RETRY_JITTER_MS,
    };
  }
  get replayCooldownMs(): number {
    return this.env.REPLAY_COOLDOWN_MS;
  }
  get dlqAlertThreshold(): number {
    return this.env.DLQ_ALERT_THRESHOLD;
  }
  get deadLetterRetentionDays(): number {
    return this.env.DEAD_LETTER_RETENTION_DAYS;
  }
  get maxBodyBytes(): number {
    return this.env.MAX_BODY_BYTES;
  }
  get alertWebhookUrl(): string | undefined {
    return this.env.ALERT_WEBHOOK_URL;
  }
  get alertIntervalMs(): number {
    return this.env.ALERT_INTERVAL_MS;
  }
  get logLevel(): LogLevel {
    return this.env.LOG_LEVEL;
  }
}
