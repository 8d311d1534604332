import type { MigrationInterface, QueryRunner } from 'typeorm';
import { changeAlertCodes } from './support/alert-codes';

export class AddFlowControl1764000200000 implements MigrationInterface {
  name = 'AddFlowControl1764000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE triggers
        ADD COLUMN rate_limit jsonb,
        ADD COLUMN max_concurrency integer
          CONSTRAINT triggers_max_concurrency_check CHECK (max_concurrency BETWEEN 1 AND 1000),
        ADD COLUMN circuit_breaker jsonb,
        ADD COLUMN daily_watermark_action text NOT NULL DEFAULT 'alert'
          CONSTRAINT triggers_daily_watermark_action_check
          CHECK (daily_watermark_action IN ('alert', 'hold')),
        ADD COLUMN watermark_group text,
        ADD COLUMN paused boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`
      ALTER TABLE executions ADD COLUMN held_by text CHECK (held_by IN
        ('paused', 'rate_limit', 'concurrency', 'circuit_open', 'watermark'))`);
    // A controlled trigger's claim reads its running attempts and its due executions here,
    // never scanning other triggers' rows.
    await queryRunner.query(`
      CREATE INDEX executions_trigger_due_idx ON executions (trigger_id, status, due_at)
      WHERE due_at IS NOT NULL`);
    // Held executions: those out of the due index (paused, waiting for a slot) are woken here,
    // oldest first.
    await queryRunner.query(`
      CREATE INDEX executions_held_idx ON executions (trigger_id, held_by, created_at)
      WHERE held_by IS NOT NULL`);
    // One row per trigger with a control: locked by every claim of that trigger, so that the
    // limits hold across workers; the circuit breaker's state.
    await queryRunner.query(`
      CREATE TABLE trigger_flow (
        trigger_id uuid PRIMARY KEY REFERENCES triggers (id) ON DELETE CASCADE,
        circuit_state text NOT NULL DEFAULT 'closed'
          CHECK (circuit_state IN ('closed', 'open', 'half_open')),
        consecutive_failures integer NOT NULL DEFAULT 0,
        opened_at timestamptz,
        reopens_at timestamptz
      )`);
    // The sliding logs: attempt starts of rate-limited triggers, first attempts of held watermarks.
    await queryRunner.query(`
      CREATE TABLE flow_starts (
        trigger_id uuid NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('attempt', 'first_attempt')),
        started_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX flow_starts_trigger_idx ON flow_starts (trigger_id, kind, started_at)`,
    );
    // One row per watermark scope (a group, or a trigger without one): the claim's lock for the
    // shared 24-hour count, and the operator's release.
    await queryRunner.query(`
      CREATE TABLE watermark_scopes (
        scope text PRIMARY KEY,
        released_until timestamptz
      )`);
    await changeAlertCodes(queryRunner, (codes) => [...new Set([...codes, 'circuit_open'])]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM alerts WHERE code = 'circuit_open'`);
    await changeAlertCodes(queryRunner, (codes) => codes.filter((code) => code !== 'circuit_open'));
    await queryRunner.query(`DROP TABLE watermark_scopes`);
    await queryRunner.query(`DROP TABLE flow_starts`);
    await queryRunner.query(`DROP TABLE trigger_flow`);
    await queryRunner.query(`DROP INDEX executions_held_idx`);
    await queryRunner.query(`DROP INDEX executions_trigger_due_idx`);
    await queryRunner.query(`ALTER TABLE executions DROP COLUMN held_by`);
    await queryRunner.query(`
      ALTER TABLE triggers
        DROP COLUMN paused,
        DROP COLUMN watermark_group,
        DROP COLUMN daily_watermark_action,
        DROP COLUMN circuit_breaker,
        DROP COLUMN max_concurrency,
        DROP COLUMN rate_limit`);
  }
}
