import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCoreSchema1763900000000 implements MigrationInterface {
  name = 'CreateCoreSchema1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE triggers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        slug text NOT NULL CONSTRAINT triggers_slug_key UNIQUE,
        enabled boolean NOT NULL DEFAULT true,
        action jsonb NOT NULL,
        retry_policy jsonb NOT NULL,
        idempotency_key_paths text[] NOT NULL,
        secret text,
        daily_watermark integer CHECK (daily_watermark IS NULL OR daily_watermark >= 0),
        on_dead_letter text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE executions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trigger_id uuid NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN
          ('pending', 'running', 'failed_retryable', 'succeeded', 'dead_lettered', 'replayed')),
        idempotency_key text,
        attempt_count integer NOT NULL DEFAULT 0,
        due_at timestamptz,
        lease_owner text,
        last_error text,
        error_category text CHECK (error_category IN ('transient', 'permanent')),
        replay_of uuid REFERENCES executions (id) ON DELETE SET NULL,
        last_replay_at timestamptz,
        handles_dead_letter_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    // Deduplication: one original delivery per key and trigger; replays share the key.
    await queryRunner.query(`
      CREATE UNIQUE INDEX executions_idempotency_key_uq ON executions (trigger_id, idempotency_key)
      WHERE idempotency_key IS NOT NULL AND replay_of IS NULL`);
    // Due claims touch only unfinished rows: finished ones have due_at NULL and stay out of it.
    await queryRunner.query(
      `CREATE INDEX executions_due_idx ON executions (due_at) WHERE due_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX executions_trigger_created_idx ON executions (trigger_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX executions_created_idx ON executions (created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX executions_replay_of_idx ON executions (replay_of) WHERE replay_of IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE execution_payloads (
        execution_id uuid PRIMARY KEY REFERENCES executions (id) ON DELETE CASCADE,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        execution_id uuid NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
        number integer NOT NULL,
        worker_id text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('success', 'transient', 'permanent')),
        http_status integer,
        error text,
        response_excerpt text,
        CONSTRAINT attempts_execution_number_key UNIQUE (execution_id, number)
      )`);
    await queryRunner.query(`CREATE INDEX attempts_started_idx ON attempts (started_at)`);
    await queryRunner.query(`
      CREATE TABLE dead_letters (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        execution_id uuid NOT NULL CONSTRAINT dead_letters_execution_key UNIQUE
          REFERENCES executions (id) ON DELETE CASCADE,
        trigger_id uuid NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
        payload jsonb NOT NULL,
        attempt_count integer NOT NULL,
        first_attempt_at timestamptz,
        last_attempt_at timestamptz,
        last_error text,
        error_category text CHECK (error_category IN ('transient', 'permanent')),
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        resolution text CONSTRAINT dead_letters_resolution_check CHECK (resolution IN
          ('replayed', 'ignored', 'handled_by_script', 'handler_failed')),
        note text,
        CONSTRAINT dead_letters_resolved_check CHECK ((resolution IS NULL) = (resolved_at IS NULL))
      )`);
    await queryRunner.query(`
      CREATE INDEX dead_letters_unresolved_idx ON dead_letters (created_at DESC, id DESC)
      WHERE resolved_at IS NULL`);
    await queryRunner.query(
      `CREATE INDEX dead_letters_created_idx ON dead_letters (created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX dead_letters_trigger_created_idx ON dead_letters (trigger_id, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX dead_letters_resolved_idx ON dead_letters (resolved_at) WHERE resolved_at IS NOT NULL`,
    );
    // One row per duplicate delivery: the stats' idempotentReplays over any window.
    await queryRunner.query(`
      CREATE TABLE duplicate_deliveries (
        id bigserial PRIMARY KEY,
        trigger_id uuid NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
        execution_id uuid NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX duplicate_deliveries_received_idx ON duplicate_deliveries (received_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX duplicate_deliveries_execution_idx ON duplicate_deliveries (execution_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE duplicate_deliveries`);
    await queryRunner.query(`DROP TABLE dead_letters`);
    await queryRunner.query(`DROP TABLE attempts`);
    await queryRunner.query(`DROP TABLE execution_payloads`);
    await queryRunner.query(`DROP TABLE executions`);
    await queryRunner.query(`DROP TABLE triggers`);
  }
}
