import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SPEC §15 "Reconciling unknown outcomes": when an `outcome_unknown` execution is next asked
 * about at its gateway (`reconcile_at`, also the deadline of the worker asking now) and how
 * many times it was (`reconcile_tries`); and on the attempt whose outcome was unknown, the last
 * answer (`reconciliation`). The partial index holds only the executions waiting to be asked.
 */
export class AddReconciliation1765300000000 implements MigrationInterface {
  name = 'AddReconciliation1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE executions ADD COLUMN reconcile_at timestamptz,
                             ADD COLUMN reconcile_tries int NOT NULL DEFAULT 0`,
    );
    await queryRunner.query(
      `CREATE INDEX executions_reconcile_idx ON executions (reconcile_at)
       WHERE status = 'outcome_unknown' AND reconcile_at IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE attempts ADD COLUMN reconciliation jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE attempts DROP COLUMN reconciliation`);
    await queryRunner.query(`DROP INDEX executions_reconcile_idx`);
    await queryRunner.query(
      `ALTER TABLE executions DROP COLUMN reconcile_tries, DROP COLUMN reconcile_at`,
    );
  }
}
