import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SPEC §14: the event an execution delivers, kept across replays so that outbound signing's
 * `webhook-id` stays the same for every attempt and replay of one event. NULL: the execution is
 * the original delivery of its event (its own id); a replay stores its original's.
 */
export class AddExecutionEventIds1765000500100 implements MigrationInterface {
  name = 'AddExecutionEventIds1765000500100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE executions ADD COLUMN event_id uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE executions DROP COLUMN event_id`);
  }
}
