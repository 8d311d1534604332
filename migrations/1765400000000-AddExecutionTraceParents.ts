import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SPEC §18: the W3C `traceparent` of the server span that received a delivery, so that each
 * attempt's client span (made by any worker process) joins the same trace. NULL when tracing was
 * off for the delivery, or the execution came from no delivery (a replay, a handler).
 */
export class AddExecutionTraceParents1765400000000 implements MigrationInterface {
  name = 'AddExecutionTraceParents1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE executions ADD COLUMN trace_parent text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE executions DROP COLUMN trace_parent`);
  }
}
