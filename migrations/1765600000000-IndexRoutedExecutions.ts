import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SPEC §14: a pure router's recent deliveries exist only as the executions its routes got, so
 * the console's route test reads them by `routed_from`. Partial: unrouted inserts never touch it.
 */
export class IndexRoutedExecutions1765600000000 implements MigrationInterface {
  name = 'IndexRoutedExecutions1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX executions_routed_from_created_idx ON executions (routed_from, created_at DESC)
      WHERE routed_from IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX executions_routed_from_created_idx`);
  }
}
