import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { RetryPolicy } from '@triggerline/contracts';
import type { EgressSettings } from '../egress/egress-agents';
import { egressPolicyOf } from '../egress/egress-policy';
import type { EnvironmentVariables, LogFormat, LogLevel, OtlpProtocol, Role } from './env.schema';

/** How this process exports traces (SPEC §18); the SDK reads the rest of OTEL_* itself. */
export interface TracingSettings {
  protocol: OtlpProtocol;
}

/** Typed, validated configuration; the only reader of the environment after boot. */
@Injectable()
export class AppConfig {
  readonly adminToken: string;
  /** True when no ADMIN_TOKEN was configured and one was generated for this process. */
  readonly isAdminTokenGenerated: boolean;
  /** Where the worker may connect, and the proxies it goes through. */
  readonly egress: EgressSettings;

  constructor(private readonly env: EnvironmentVariables) {
    this.isAdminTokenGenerated = env.ADMIN_TOKEN === undefined;
    this.adminToken = env.ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
    this.egress = {
      policy: egressPolicyOf({ allow: env.EGRESS_ALLOW_CIDRS, deny: env.EGRESS_DENY_CIDRS }),
      proxies: {
        httpProxy: env.http_proxy ?? env.HTTP_PROXY,
        httpsProxy: env.https_proxy ?? env.HTTPS_PROXY,
        noProxy: env.no_proxy ?? env.NO_PROXY,
      },
    };
  }

  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }
  get databaseUrl(): string | undefined {
    return this.env.DATABASE_URL;
  }
  /** Where LISTEN, session advisory locks and migrations connect: never a transaction pooler. */
  get databaseDirectUrl(): string | undefined {
    return this.env.DATABASE_DIRECT_URL;
  }
  /** A read replica for the console's lists, search and stats; unset: they read the primary. */
  get databaseReadUrl(): string | undefined {
    return this.env.DATABASE_READ_URL;
  }
  get databasePreparedStatements(): boolean {
    return this.env.DATABASE_PREPARED_STATEMENTS;
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
  get rejectionMaxPerTrigger(): number {
    return this.env.REJECTION_MAX_PER_TRIGGER;
  }
  get rejectionRetentionDays(): number {
    return this.env.REJECTION_RETENTION_DAYS;
  }
  get rejectionAlertThreshold(): number {
    return this.env.REJECTION_ALERT_THRESHOLD;
  }
  get deadLetterRetentionDays(): number {
    return this.env.DEAD_LETTER_RETENTION_DAYS;
  }
  get executionRetentionDays(): number {
    return this.env.EXECUTION_RETENTION_DAYS;
  }
  get auditRetentionDays(): number {
    return this.env.AUDIT_RETENTION_DAYS;
  }
  get maxTriggerDepth(): number {
    return this.env.MAX_TRIGGER_DEPTH;
  }
  get maxBodyBytes(): number {
    return this.env.MAX_BODY_BYTES;
  }
  get alertWebhookUrl(): string | undefined {
    return this.env.ALERT_WEBHOOK_URL;
  }
  get alertSlackWebhookUrl(): string | undefined {
    return this.env.ALERT_SLACK_WEBHOOK_URL;
  }
  /** PUBLIC_URL without a trailing slash. */
  get publicUrl(): string | undefined {
    return this.env.PUBLIC_URL?.replace(/\/+$/, '');
  }
  /** LOG_FORMAT, else readable lines when standard output is a terminal and JSON otherwise. */
  get logFormat(): LogFormat {
    return this.env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  }
  get alertIntervalMs(): number {
    return this.env.ALERT_INTERVAL_MS;
  }
  get logLevel(): LogLevel {
    return this.env.LOG_LEVEL;
  }
  get secretsKey(): string | undefined {
    return this.env.SECRETS_KEY;
  }
  /** SECRETS_KEY_PREVIOUS as a list (empty when unset). */
  get previousSecretsKeys(): string[] {
    return this.env.SECRETS_KEY_PREVIOUS?.split(',') ?? [];
  }
  get secretsKeyFile(): string {
    return this.env.SECRETS_KEY_FILE;
  }
  /** Set when an OTLP endpoint is configured and neither the SDK nor traces are turned off. */
  get tracing(): TracingSettings | null {
    const env = this.env;
    const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
    if (endpoint === undefined || env.OTEL_SDK_DISABLED || env.OTEL_TRACES_EXPORTER === 'none') {
      return null;
    }
    return {
      protocol:
        env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
        env.OTEL_EXPORTER_OTLP_PROTOCOL ??
        'http/protobuf',
    };
  }
}
