import type { MigrationInterface, QueryRunner } from 'typeorm';
import { changeAlertCodes } from './support/alert-codes';

const STATUSES_V1 = `'pending', 'running', 'failed_retryable', 'succeeded', 'dead_lettered', 'replayed'`;
const OUTCOMES_V1 = `'success', 'transient', 'permanent'`;

export class AddDeliverySemanticsAndLifecycle1764000300000 implements MigrationInterface {
  name = 'AddDeliverySemanticsAndLifecycle1764000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Outcome unknown: an attempt outcome, and a status that waits for an operator.
    await queryRunner.query(`
      ALTER TABLE executions DROP CONSTRAINT executions_status_check,
        ADD CONSTRAINT executions_status_check
          CHECK (status IN (${STATUSES_V1}, 'outcome_unknown'))`);
    await queryRunner.query(`
      ALTER TABLE attempts DROP CONSTRAINT attempts_outcome_check,
        ADD CONSTRAINT attempts_outcome_check CHECK (outcome IN (${OUTCOMES_V1}, 'unknown'))`);
    await queryRunner.query(`
      ALTER TABLE triggers ADD COLUMN on_unknown_outcome text
        CONSTRAINT triggers_on_unknown_outcome_check CHECK (on_unknown_outcome IN ('retry', 'hold'))`);
    await changeAlertCodes(queryRunner, (codes) => [...new Set([...codes, 'outcome_unknown'])]);
    // Key conflicts: the original's body hash, and whether each duplicate's body differed.
    // Loop guard: the depth of the delivery, which the worker sends on plus one.
    await queryRunner.query(`
      ALTER TABLE executions ADD COLUMN body_sha256 bytea,
        ADD COLUMN depth smallint NOT NULL DEFAULT 0`);
    await queryRunner.query(
      `ALTER TABLE duplicate_deliveries ADD COLUMN conflict boolean NOT NULL DEFAULT false`,
    );
    // Lookup by key (exact, across triggers, replays included), newest first.
    await queryRunner.query(`
      CREATE INDEX executions_idempotency_key_created_idx
        ON executions (idempotency_key, created_at DESC, id DESC)
        WHERE idempotency_key IS NOT NULL`);
    // The operator's to-do list and the outcome_unknown alert: few rows, read often.
    await queryRunner.query(`
      CREATE INDEX executions_outcome_unknown_idx ON executions (created_at DESC, id DESC)
        WHERE status = 'outcome_unknown'`);
    // Retention walks finished rows by age; the open-work check of a trigger the unfinished ones.
    await queryRunner.query(`
      CREATE INDEX executions_finished_idx ON executions (finished_at)
        WHERE finished_at IS NOT NULL`);
    await queryRunner.query(`
      CREATE INDEX executions_unfinished_trigger_idx ON executions (trigger_id)
        WHERE finished_at IS NULL`);
    await queryRunner.query(`
      CREATE INDEX dead_letters_category_created_idx
        ON dead_letters (error_category, created_at DESC, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX dead_letters_category_created_idx`);
    await queryRunner.query(`DROP INDEX executions_unfinished_trigger_idx`);
    await queryRunner.query(`DROP INDEX executions_finished_idx`);
    await queryRunner.query(`DROP INDEX executions_outcome_unknown_idx`);
    await queryRunner.query(`DROP INDEX executions_idempotency_key_created_idx`);
    await queryRunner.query(`ALTER TABLE duplicate_deliveries DROP COLUMN conflict`);
    await queryRunner.query(`ALTER TABLE executions DROP COLUMN body_sha256, DROP COLUMN depth`);
    await queryRunner.query(`DELETE FROM alerts WHERE code = 'outcome_unknown'`);
    await changeAlertCodes(queryRunner, (codes) =>
      codes.filter((code) => code !== 'outcome_unknown'),
    );
    await queryRunner.query(`ALTER TABLE triggers DROP COLUMN on_unknown_outcome`);
    // The older schema has no "maybe delivered": such executions become dead letters, never
    // retries, so that reverting sends nothing twice and the operator still sees them.
    await queryRunner.query(`
      INSERT INTO dead_letters (execution_id, trigger_id, payload, attempt_count, last_error,
                                error_category)
      SELECT e.id, e.trigger_id, coalesce(p.payload, 'null'::jsonb), e.attempt_count, e.last_error,
             'transient'
      FROM executions e LEFT JOIN execution_payloads p ON p.execution_id = e.id
      WHERE e.status = 'outcome_unknown'
      ON CONFLICT (execution_id) DO NOTHING`);
    await queryRunner.query(`
      UPDATE executions SET status = 'dead_lettered', finished_at = now(), updated_at = now()
      WHERE status = 'outcome_unknown'`);
    await queryRunner.query(`UPDATE attempts SET outcome = 'transient' WHERE outcome = 'unknown'`);
    await queryRunner.query(`
      ALTER TABLE attempts DROP CONSTRAINT attempts_outcome_check,
        ADD CONSTRAINT attempts_outcome_check CHECK (outcome IN (${OUTCOMES_V1}))`);
    await queryRunner.query(`
      ALTER TABLE executions DROP CONSTRAINT executions_status_check,
        ADD CONSTRAINT executions_status_check CHECK (status IN (${STATUSES_V1}))`);
  }
}
