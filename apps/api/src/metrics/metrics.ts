import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { type Alert, HELD_REASONS, type HeldReason } from '@triggerline/contracts';
import { DataSource } from 'typeorm';

// Every alert code, so that each has a series (0 while it is down); the compiler checks the list.
const ALERT_CODES = Object.keys({
  watermark_hit: true,
  dlq_growing: true,
  trigger_silent: true,
  outcome_unknown: true,
  circuit_open: true,
  trigger_rejecting: true,
  trigger_paused_by_rule: true,
} satisfies Record<Alert['code'], true>) as Alert['code'][];

/** Prometheus metrics of this process; gauges are read from the database at scrape time. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly deliveries = new Counter({
    name: 'triggerline_deliveries_total',
    help: 'Webhook deliveries by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly handshakes = new Counter({
    name: 'triggerline_handshakes_total',
    help: "Providers' subscription handshakes (Meta's verify token, Slack's url_verification)",
    labelNames: ['scheme', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly unknownTriggerDeliveries = new Counter({
    name: 'triggerline_unknown_trigger_deliveries_total',
    help: 'Deliveries to a slug no trigger has (never stored)',
    registers: [this.registry],
  });

  readonly attempts = new Counter({
    name: 'triggerline_attempts_total',
    help: 'Execution attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly deadLetters = new Counter({
    name: 'triggerline_dead_letters_total',
    help: 'Executions moved to the dead-letter queue',
    registers: [this.registry],
  });

  readonly replays = new Counter({
    name: 'triggerline_replays_total',
    help: 'Executions replayed by an operator',
    registers: [this.registry],
  });

  readonly redriveReplays = new Counter({
    name: 'triggerline_redrive_replays_total',
    help: 'Dead letters replayed by redrives (not counted in triggerline_replays_total)',
    registers: [this.registry],
  });

  readonly redrivesStarted = new Counter({
    name: 'triggerline_redrives_started_total',
    help: 'Redrives created',
    registers: [this.registry],
  });

  readonly redrivesFinished = new Counter({
    name: 'triggerline_redrives_finished_total',
    help: 'Redrives finished, by final status (done or cancelled)',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly circuitOpenings = new Counter({
    name: 'triggerline_circuit_openings_total',
    help: 'Times a trigger circuit breaker opened (or reopened after a failed probe)',
    registers: [this.registry],
  });

  // Labelled by route pattern (or `unmatched`), never the URL: a bounded set of series.
  readonly unauthorizedRequests = new Counter({
    name: 'triggerline_unauthorized_requests_total',
    help: 'Mutating /api requests without a valid token (not written to the audit log), by route',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  constructor(dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'triggerline_' });
    const queue = new QueueGauges(dataSource);
    const gauge = (name: string, help: string, read: (state: QueueState) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect: async function () {
          this.set(read(await queue.read()));
        },
      });
    gauge('triggerline_dead_letter_queue_size', 'Unresolved dead letters', (q) => q.dlqSize);
    gauge(
      'triggerline_due_executions',
      'Executions waiting for an attempt whose time has come',
      (q) => q.dueBacklog,
    );
    // Every label value gets a series, 0 when nothing counts: a bounded, stable set.
    const labelledGauge = (
      name: string,
      help: string,
      label: string,
      values: readonly string[],
      read: (state: QueueState) => Partial<Record<string, number>>,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: [label],
        registers: [this.registry],
        collect: async function () {
          const counts = read(await queue.read());
          for (const value of values) {
            this.set({ [label]: value }, counts[value] ?? 0);
          }
        },
      });
    labelledGauge(
      'triggerline_held_executions',
      'Executions flow control holds back, by reason',
      'reason',
      HELD_REASONS,
      (q) => q.heldByReason,
    );
    gauge(
      'triggerline_outcome_unknown_executions',
      'Executions waiting for an operator to confirm their outcome',
      (q) => q.outcomeUnknown,
    );
    // The alerts the service raised (the `alerts` table, shared by every process), by code: the
    // Prometheus rules mirror them without knowing each trigger's thresholds.
    labelledGauge(
      'triggerline_active_alerts',
      'Alerts currently up, by code (the service evaluates them every ALERT_INTERVAL_MS)',
      'code',
      ALERT_CODES,
      (q) => q.activeAlerts,
    );
    gauge(
      'triggerline_oldest_due_execution_age_seconds',
      'How long the oldest due execution has been waiting',
      (q) => q.oldestDueAgeSeconds,
    );
  }
}

interface QueueState {
  heldByReason: Partial<Record<HeldReason, number>>;
  activeAlerts: Partial<Record<Alert['code'], number>>;
  dlqSize: number;
  outcomeUnknown: number;
  dueBacklog: number;
  oldestDueAgeSeconds: number;
}

// One query per scrape feeds every gauge.
class QueueGauges {
  private pending: Promise<QueueState> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  read(): Promise<QueueState> {
    this.pending ??= this.query().finally(() =>
      setTimeout(() => (this.pending = null), 100).unref(),
    );
    return this.pending;
  }

  private async query(): Promise<QueueState> {
    const [row]: {
      dlq_size: number;
      outcome_unknown: number;
      due_backlog: number;
      oldest_due_age_seconds: number | null;
      held: Partial<Record<HeldReason, number>> | null;
      alerts: Partial<Record<Alert['code'], number>> | null;
    }[] = await this.dataSource.query(
      `SELECT
         (SELECT count(*)::int FROM dead_letters WHERE resolved_at IS NULL) AS dlq_size,
         (SELECT count(*)::int FROM executions
          WHERE status = 'outcome_unknown' AND reconcile_at IS NULL) AS outcome_unknown,
         (SELECT jsonb_object_agg(code, n) FROM (
            SELECT code, count(*)::int AS n FROM alerts GROUP BY code) active) AS alerts,
         (SELECT jsonb_object_agg(held_by, n) FROM (
            SELECT held_by, count(*)::int AS n FROM executions
            WHERE held_by IS NOT NULL AND status IN ('pending', 'failed_retryable')
            GROUP BY held_by) held) AS held,
         count(*)::int AS due_backlog,
         extract(epoch FROM now() - min(due_at))::float8 AS oldest_due_age_seconds
       FROM executions
       WHERE due_at <= now() AND status IN ('pending', 'failed_retryable')`,
    );
    return {
      heldByReason: row.held ?? {},
      activeAlerts: row.alerts ?? {},
      dlqSize: row.dlq_size,
      outcomeUnknown: row.outcome_unknown,
      dueBacklog: row.due_backlog,
      oldestDueAgeSeconds: row.oldest_due_age_seconds ?? 0,
    };
  }
}
