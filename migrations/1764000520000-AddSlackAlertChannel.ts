import type { MigrationInterface, QueryRunner } from 'typeorm';
import { changeAlertCodes } from './support/alert-codes';

export class AddSlackAlertChannel1764000520000 implements MigrationInterface {
  name = 'AddSlackAlertChannel1764000520000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Each channel keeps its own delivery state: one failing must not hold back the other.
    await queryRunner.query(`
      ALTER TABLE alerts
        ADD COLUMN slack_notified_at timestamptz,
        ADD COLUMN slack_notify_attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN slack_notify_claimed_until timestamptz`);
    // AddSilenceAlerts wrote a fixed list of codes, which dropped outcome_unknown (added by
    // an earlier migration): the list as found, with both codes.
    await changeAlertCodes(queryRunner, (codes) => [
      ...new Set([...codes, 'outcome_unknown', 'trigger_silent']),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The codes stay: each belongs to the migration that introduced it, whose down removes it.
    await queryRunner.query(`
      ALTER TABLE alerts
        DROP COLUMN slack_notified_at,
        DROP COLUMN slack_notify_attempts,
        DROP COLUMN slack_notify_claimed_until`);
  }
}
