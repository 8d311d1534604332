import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRedrives1764000510000 implements MigrationInterface {
  name = 'CreateRedrives1764000510000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per background bulk replay. The cursor and counts advance in the transaction
    // that replays each batch; the lease names the one process working it.
    await queryRunner.query(`
      CREATE TABLE redrives (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'running'
          CONSTRAINT redrives_status_check CHECK (status IN ('running', 'done', 'cancelled')),
        filter jsonb NOT NULL,
        as_of timestamptz NOT NULL,
        rate_per_second integer NOT NULL
          CONSTRAINT redrives_rate_check CHECK (rate_per_second BETWEEN 1 AND 1000),
        matched integer NOT NULL,
        replayed integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        cursor uuid,
        lease_owner text,
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT redrives_finished_check CHECK ((status = 'running') = (finished_at IS NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX redrives_running_idx ON redrives (created_at) WHERE status = 'running'`,
    );
    await queryRunner.query(
      `CREATE INDEX redrives_created_idx ON redrives (created_at DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE redrives`);
  }
}
