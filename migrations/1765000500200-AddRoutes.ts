import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SPEC §14 fan-out: a trigger's `routes` (and `action` NULL for a pure router), the source
 * trigger of a routed execution, and one row per routed delivery with a key, the arbiter of its
 * duplicates: it lists the executions the delivery created, which a repeated key is answered.
 * Routed executions carry their source's key but are not originals of their own trigger: the
 * unique index of originals leaves them out.
 */
export class AddRoutes1765000500200 implements MigrationInterface {
  name = 'AddRoutes1765000500200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE triggers ADD COLUMN routes jsonb, ALTER COLUMN action DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE executions ADD COLUMN routed_from uuid`);
    await queryRunner.query(`DROP INDEX executions_idempotency_key_uq`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX executions_idempotency_key_uq ON executions (trigger_id, idempotency_key)
      WHERE idempotency_key IS NOT NULL AND replay_of IS NULL AND routed_from IS NULL`);
    await queryRunner.query(`
      CREATE TABLE routed_deliveries (
        trigger_id uuid NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
        idempotency_key text NOT NULL,
        execution_ids uuid[] NOT NULL,
        body_sha256 bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (trigger_id, idempotency_key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE routed_deliveries`);
    // Routed executions would be originals again, and could share a key with one.
    await queryRunner.query(`DELETE FROM executions WHERE routed_from IS NOT NULL`);
    await queryRunner.query(`DROP INDEX executions_idempotency_key_uq`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX executions_idempotency_key_uq ON executions (trigger_id, idempotency_key)
      WHERE idempotency_key IS NOT NULL AND replay_of IS NULL`);
    await queryRunner.query(`ALTER TABLE executions DROP COLUMN routed_from`);
    // A pure router has nothing to run without its routes.
    await queryRunner.query(`DELETE FROM triggers WHERE action IS NULL`);
    await queryRunner.query(`
      ALTER TABLE triggers DROP COLUMN routes, ALTER COLUMN action SET NOT NULL`);
  }
}
