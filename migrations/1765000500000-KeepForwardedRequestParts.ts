import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SPEC §14: what an http action forwards from the delivery, kept with its execution: the body's
 * bytes as received (only for an action whose body is "raw") and the forwarded headers
 * (credential-looking values sealed, never shown).
 */
export class KeepForwardedRequestParts1765000500000 implements MigrationInterface {
  name = 'KeepForwardedRequestParts1765000500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE execution_payloads ADD COLUMN raw_body bytea, ADD COLUMN forwarded_headers jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE execution_payloads DROP COLUMN raw_body, DROP COLUMN forwarded_headers`);
  }
}
