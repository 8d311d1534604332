import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddVerificationAndAccess1764000400000 implements MigrationInterface {
  name = 'AddVerificationAndAccess1764000400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Secrets inside `verification` are sealed (AES-256-GCM) by the application, which holds
    // the key; the v1 plain `secret` column is moved there, sealed, when the app starts.
    await queryRunner.query(`
      ALTER TABLE triggers
        ADD COLUMN verification jsonb,
        ADD COLUMN idempotency_key_headers text[]`);
    await queryRunner.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        token_hash bytea NOT NULL CONSTRAINT api_tokens_token_hash_key UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        target_id text,
        status integer NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_log`);
    await queryRunner.query(`DROP TABLE api_tokens`);
    // The sealed hmac-sha256 secret goes back into `secret` as it is: the v1 code then
    // demands a signature under a key no sender has, so the trigger fails closed rather than
    // accepting unsigned deliveries. Set the secret again after a downgrade.
    await queryRunner.query(`
      UPDATE triggers SET secret = verification -> 'secrets' -> 0 ->> 'value'
      WHERE verification IS NOT NULL AND secret IS NULL`);
    await queryRunner.query(`
      ALTER TABLE triggers DROP COLUMN idempotency_key_headers, DROP COLUMN verification`);
  }
}
