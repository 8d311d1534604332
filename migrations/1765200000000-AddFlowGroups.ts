import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddFlowGroups1765200000000 implements MigrationInterface {
  name = 'AddFlowGroups1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // SPEC §15: limits shared by the triggers whose `watermark_group` (the API's `flowGroup`)
    // names the group, on top of their own. The row is also the lock every claim and completion
    // of a member takes, so that the group's limits hold across workers.
    await queryRunner.query(`
      CREATE TABLE flow_groups (
        name text PRIMARY KEY,
        rate_limit jsonb,
        max_concurrency integer CHECK (max_concurrency BETWEEN 1 AND 1000),
        daily_watermark integer CHECK (daily_watermark >= 1),
        daily_watermark_action text NOT NULL DEFAULT 'alert'
          CHECK (daily_watermark_action IN ('alert', 'hold')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The groups that existed only by name (SPEC §7's watermarkGroup), without limits of their
    // own: their triggers keep sharing one watermark count as before.
    await queryRunner.query(`
      INSERT INTO flow_groups (name)
      SELECT DISTINCT watermark_group FROM triggers WHERE watermark_group IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE flow_groups`);
  }
}
