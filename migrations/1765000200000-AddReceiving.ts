import type { MigrationInterface, QueryRunner } from 'typeorm';
import { changeAlertCodes } from './support/alert-codes';

/**
 * SPEC §13: a trigger's delivery filter and redacted body paths; the log of refused deliveries
 * (bounded per trigger and in time by the service); hourly counts of filtered and refused
 * deliveries for the stats; the `trigger_rejecting` alert.
 */
export class AddReceiving1765000200000 implements MigrationInterface {
  name = 'AddReceiving1765000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE triggers ADD COLUMN filter jsonb, ADD COLUMN redact_paths text[]`);
    await queryRunner.query(`
      CREATE TABLE rejections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trigger_id uuid NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
        reason text NOT NULL CHECK (reason IN ('invalid_signature', 'signature_expired',
          'invalid_body', 'payload_too_large', 'unsupported_media_type', 'trigger_disabled',
          'loop_detected', 'invalid_verify_token')),
        received_at timestamptz NOT NULL DEFAULT now(),
        source_ip text,
        method text NOT NULL,
        request_target text NOT NULL,
        headers jsonb NOT NULL,
        body text NOT NULL,
        body_bytes integer NOT NULL,
        retried_at timestamptz,
        retry_result jsonb
      )`);
    await queryRunner.query(
      `CREATE INDEX rejections_trigger_received_idx ON rejections (trigger_id, received_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX rejections_received_idx ON rejections (received_at DESC, id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE delivery_outcome_counts (
        trigger_id uuid NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
        hour timestamptz NOT NULL,
        outcome text NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (hour, trigger_id, outcome)
      )`);
    await changeAlertCodes(queryRunner, (codes) => [...new Set([...codes, 'trigger_rejecting'])]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM alerts WHERE code = 'trigger_rejecting'`);
    await changeAlertCodes(queryRunner, (codes) => codes.filter((c) => c !== 'trigger_rejecting'));
    await queryRunner.query(`DROP TABLE delivery_outcome_counts`);
    await queryRunner.query(`DROP TABLE rejections`);
    await queryRunner.query(`ALTER TABLE triggers DROP COLUMN filter, DROP COLUMN redact_paths`);
  }
}
