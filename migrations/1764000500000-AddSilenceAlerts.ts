import type { MigrationInterface, QueryRunner } from 'typeorm';
import { changeAlertCodes } from './support/alert-codes';

export class AddSilenceAlerts1764000500000 implements MigrationInterface {
  name = 'AddSilenceAlerts1764000500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE triggers ADD COLUMN silence_alert_minutes integer
        CONSTRAINT triggers_silence_alert_minutes_check
        CHECK (silence_alert_minutes BETWEEN 1 AND 10080)`);
    await changeAlertCodes(queryRunner, (codes) => [...new Set([...codes, 'trigger_silent'])]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM alerts WHERE code = 'trigger_silent'`);
    await changeAlertCodes(queryRunner, (codes) =>
      codes.filter((code) => code !== 'trigger_silent'),
    );
    await queryRunner.query(`ALTER TABLE triggers DROP COLUMN silence_alert_minutes`);
  }
}
