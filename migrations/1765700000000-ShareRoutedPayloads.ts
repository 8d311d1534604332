import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SPEC §14, §19: the executions of one routed delivery that redact and forward nothing of their
 * own share one stored request, written once however many routes matched (a fan-out to five
 * routes wrote five identical payload rows). `execution_ids` are its sharers: the row goes when
 * none of them is left (erasure at once, retention's sweep otherwise), as `routed_deliveries`
 * does. No foreign key from executions: their insert would pay a check per route.
 */
export class ShareRoutedPayloads1765700000000 implements MigrationInterface {
  name = 'ShareRoutedPayloads1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE delivery_payloads (
        id uuid PRIMARY KEY,
        execution_ids uuid[] NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`ALTER TABLE executions ADD COLUMN delivery_payload_id uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Each sharer gets its own copy back before the shared rows go.
    await queryRunner.query(`
      INSERT INTO execution_payloads (execution_id, payload, headers)
      SELECT e.id, dp.payload, dp.headers
      FROM executions e JOIN delivery_payloads dp ON dp.id = e.delivery_payload_id`);
    await queryRunner.query(`ALTER TABLE executions DROP COLUMN delivery_payload_id`);
    await queryRunner.query(`DROP TABLE delivery_payloads`);
  }
}
