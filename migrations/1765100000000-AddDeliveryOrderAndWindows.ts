import type { MigrationInterface, QueryRunner } from 'typeorm';

const HELD_REASONS_BEFORE = `'paused', 'rate_limit', 'concurrency', 'circuit_open', 'watermark'`;

/**
 * SPEC §15: order per conversation (the trigger's ordering key path and dead-letter policy, the
 * key each execution got at ingest) and delivery windows (a window and a delay per trigger),
 * with the three new reasons an execution is held.
 */
export class AddDeliveryOrderAndWindows1765100000000 implements MigrationInterface {
  name = 'AddDeliveryOrderAndWindows1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE triggers
        ADD COLUMN ordering_key_path text,
        ADD COLUMN ordering_on_dead_letter text NOT NULL DEFAULT 'continue'
          CONSTRAINT triggers_ordering_on_dead_letter_check
          CHECK (ordering_on_dead_letter IN ('continue', 'block')),
        ADD COLUMN delivery_window jsonb,
        ADD COLUMN delay_ms integer CONSTRAINT triggers_delay_ms_check CHECK (delay_ms >= 0)`);
    await queryRunner.query(`
      ALTER TABLE executions ADD COLUMN ordering_key text,
        DROP CONSTRAINT executions_held_by_check,
        ADD CONSTRAINT executions_held_by_check CHECK (held_by IN
          (${HELD_REASONS_BEFORE}, 'ordering', 'window', 'delay'))`);
    // The predecessors of an execution in its key's queue: unfinished ones, and dead-lettered
    // ones (which block their key under orderingOnDeadLetter "block" until resolved).
    await queryRunner.query(`
      CREATE INDEX executions_ordering_idx ON executions (trigger_id, ordering_key, created_at, id)
      WHERE ordering_key IS NOT NULL AND (finished_at IS NULL OR status = 'dead_lettered')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX executions_ordering_idx`);
    await queryRunner.query(`
      UPDATE executions SET held_by = NULL WHERE held_by IN ('ordering', 'window', 'delay')`);
    await queryRunner.query(`
      ALTER TABLE executions DROP COLUMN ordering_key,
        DROP CONSTRAINT executions_held_by_check,
        ADD CONSTRAINT executions_held_by_check CHECK (held_by IN (${HELD_REASONS_BEFORE}))`);
    await queryRunner.query(`
      ALTER TABLE triggers DROP COLUMN ordering_key_path, DROP COLUMN ordering_on_dead_letter,
        DROP COLUMN delivery_window, DROP COLUMN delay_ms`);
  }
}
