import type { MigrationInterface, QueryRunner } from 'typeorm';
import { changeAlertCodes } from './support/alert-codes';

/**
 * SPEC §15: a trigger's classification rules, the `pause` rule that paused it (for the
 * `trigger_paused_by_rule` alert until it is resumed), and that alert's code.
 */
export class AddClassificationRules1765000400000 implements MigrationInterface {
  name = 'AddClassificationRules1765000400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE triggers ADD COLUMN classification_rules jsonb, ADD COLUMN paused_by_rule jsonb`);
    await changeAlertCodes(queryRunner, (codes) => [
      ...new Set([...codes, 'trigger_paused_by_rule']),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM alerts WHERE code = 'trigger_paused_by_rule'`);
    await changeAlertCodes(queryRunner, (codes) =>
      codes.filter((code) => code !== 'trigger_paused_by_rule'),
    );
    await queryRunner.query(
      `ALTER TABLE triggers DROP COLUMN classification_rules, DROP COLUMN paused_by_rule`,
    );
  }
}
