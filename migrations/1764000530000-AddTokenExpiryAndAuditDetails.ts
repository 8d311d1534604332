import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTokenExpiryAndAuditDetails1764000530000 implements MigrationInterface {
  name = 'AddTokenExpiryAndAuditDetails1764000530000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz`);
    await queryRunner.query(`ALTER TABLE audit_log ADD COLUMN details jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE audit_log DROP COLUMN details`);
    await queryRunner.query(`ALTER TABLE api_tokens DROP COLUMN expires_at`);
  }
}
