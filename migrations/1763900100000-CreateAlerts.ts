import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAlerts1763900100000 implements MigrationInterface {
  name = 'CreateAlerts1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per alert while it is active; several processes raise it once through the key.
    await queryRunner.query(`
      CREATE TABLE alerts (
        key text PRIMARY KEY,
        code text NOT NULL CHECK (code IN ('watermark_hit', 'dlq_growing')),
        trigger_id uuid REFERENCES triggers (id) ON DELETE CASCADE,
        details jsonb NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        notified_at timestamptz,
        notify_attempts integer NOT NULL DEFAULT 0,
        notify_claimed_until timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX executions_handles_dead_letter_idx ON executions (handles_dead_letter_id)
       WHERE handles_dead_letter_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX executions_handles_dead_letter_idx`);
    await queryRunner.query(`DROP TABLE alerts`);
  }
}
