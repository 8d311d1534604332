import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface NewDelivery {
  triggerId: string;
  idempotencyKey: string | null;
  payload: unknown;
  headers: Record<string, string>;
}

export type RecordOutcome =
  { kind: 'accepted'; executionId: string } | { kind: 'duplicate'; executionId: string };

/** What ingestion needs of a trigger. */
export interface IngestTarget {
  id: string;
  slug: string;
  enabled: boolean;
  secret: string | null;
  idempotencyKeyPaths: string[];
}

/** The SQL of ingestion: one statement stores a delivery or detects its duplicate. */
@Injectable()
export class IngestRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Plain SQL on the hot path: the ORM's query building costs more CPU than the query itself.
  async findTarget(slug: string): Promise<IngestTarget | null> {
    const rows: IngestTarget[] = await this.dataSource.query(
      `SELECT id, slug, enabled, secret, idempotency_key_paths AS "idempotencyKeyPaths"
       FROM triggers WHERE slug = $1`,
      [slug],
    );
    return rows[0] ?? null;
  }

  async record(delivery: NewDelivery): Promise<RecordOutcome> {
    // The original may be deleted (retention) between the two statements; then insert again.
    for (;;) {
      const accepted = await this.insertExecution(delivery);
      if (accepted !== null) {
        return { kind: 'accepted', executionId: accepted };
      }
      const original = await this.countDuplicate(delivery.triggerId, delivery.idempotencyKey!);
      if (original !== null) {
        return { kind: 'duplicate', executionId: original };
      }
    }
  }

  // The execution and its payload in one statement, hence one implicit transaction.
  // ON CONFLICT against the partial unique index makes racing duplicates wait for the first
  // insert and then do nothing: no check-then-insert, no catching of unique violations.
  private async insertExecution(delivery: NewDelivery): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH inserted AS (
         INSERT INTO executions (trigger_id, status, idempotency_key, due_at)
         VALUES ($1, 'pending', $2, now())
         ON CONFLICT (trigger_id, idempotency_key)
           WHERE idempotency_key IS NOT NULL AND replay_of IS NULL
           DO NOTHING
         RETURNING id
       ), stored AS (
         INSERT INTO execution_payloads (execution_id, payload, headers)
         SELECT id, $3::jsonb, $4::jsonb FROM inserted
       )
       SELECT id FROM inserted`,
      [
        delivery.triggerId,
        delivery.idempotencyKey,
        JSON.stringify(delivery.payload ?? null),
        JSON.stringify(delivery.headers),
      ],
    );
    return rows[0]?.id ?? null;
  }

  private async countDuplicate(triggerId: string, key: string): Promise<string | null> {
    const rows: { execution_id: string }[] = await this.dataSource.query(
      `INSERT INTO duplicate_deliveries (trigger_id, execution_id)
       SELECT trigger_id, id FROM executions
       WHERE trigger_id = $1 AND idempotency_key = $2 AND replay_of IS NULL
       RETURNING execution_id`,
      [triggerId, key],
    );
    return rows[0]?.execution_id ?? null;
  }
}
