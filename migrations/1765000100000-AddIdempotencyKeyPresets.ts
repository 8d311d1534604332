import type { MigrationInterface, QueryRunner } from 'typeorm';

const GENERAL_DEFAULTS = `ARRAY['idempotency_key', 'messageId', 'data.messageId', 'data.idempotency_key']`;

/**
 * SPEC §13: a trigger without key paths of its own reads its verification scheme's preset
 * (Evolution's `data.key.id`, Stripe's `id`...). NULL now means "the preset"; triggers that
 * still hold the general defaults (written for them at creation) follow their scheme's preset
 * from now on, which for every scheme they could have is those same defaults.
 */
export class AddIdempotencyKeyPresets1765000100000 implements MigrationInterface {
  name = 'AddIdempotencyKeyPresets1765000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE triggers ALTER COLUMN idempotency_key_paths DROP NOT NULL`,
    );
    await queryRunner.query(
      `UPDATE triggers SET idempotency_key_paths = NULL
       WHERE idempotency_key_paths = ${GENERAL_DEFAULTS}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE triggers SET idempotency_key_paths = ${GENERAL_DEFAULTS}
       WHERE idempotency_key_paths IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE triggers ALTER COLUMN idempotency_key_paths SET NOT NULL`);
  }
}
