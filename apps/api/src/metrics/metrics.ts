import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { HELD_REASONS, type HeldReason } from '@triggerline/contracts';
import { DataSource } from 'typeorm';

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
    new Gauge({
      name: 'triggerline_held_executions',
      help: 'Executions flow control holds back, by reason',
      labelNames: ['reason'] as const,
      registers: [this.registry],
      collect: async function () {
        const held = (await queue.read()).heldByReason;
        for (const reason of HELD_REASONS) {
          this.set({ reason }, held[reason] ?? 0);
        }
      },
    });
    gauge(
      'triggerline_oldest_due_execution_age_seconds',
      'How long the oldest due execution has been waiting',
      (q) => q.oldestDueAgeSeconds,
    );
  }
}

interface QueueState {
  heldByReason: Partial<Record<HeldReason, number>>;
  dlqSize: number;
  dueBacklog: number;
  oldestDueAgeSeconds: number;
}

// One query per scrape feeds the three gauges.
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
      due_backlog: number;
      oldest_due_age_seconds: number | null;
      held: Partial<Record<HeldReason, number>> | null;
    }[] = await this.dataSource.query(
      `SELECT
         (SELECT count(*)::int FROM dead_letters WHERE resolved_at IS NULL) AS dlq_size,
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
      dlqSize: row.dlq_size,
      dueBacklog: row.due_backlog,
      oldestDueAgeSeconds: row.oldest_due_age_seconds ?? 0,
    };
  }
}
