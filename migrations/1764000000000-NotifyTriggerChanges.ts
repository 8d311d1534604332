import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every API process caches the trigger of each webhook slug. Any change to `triggers` — from
 * the API, the start-up secret sealing, a CLI or psql — NOTIFYs `triggerline_triggers` when it
 * commits, and every process drops its cache on hearing it. Statement-level: one NOTIFY per
 * statement, and PostgreSQL folds identical ones in a transaction.
 */
export class NotifyTriggerChanges1764000000000 implements MigrationInterface {
  name = 'NotifyTriggerChanges1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION triggerline_notify_trigger_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('triggerline_triggers', '');
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER triggers_notify_change
      AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON triggers
      FOR EACH STATEMENT EXECUTE FUNCTION triggerline_notify_trigger_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER triggers_notify_change ON triggers`);
    await queryRunner.query(`DROP FUNCTION triggerline_notify_trigger_change()`);
  }
}
