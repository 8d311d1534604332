import type { MigrationInterface, QueryRunner } from 'typeorm';

// SPEC §13's rule for names that carry credentials (libs/contracts rules/credential-header.ts).
const CREDENTIAL = `'^(authorization|proxy-authorization|cookie|set-cookie)$|token|secret|key|signature|password'`;

/**
 * SPEC §14: an `http` action's credential-looking `headers` move into `secretHeaders`, which
 * answers never show. They move in clear; the next start seals them (StoredSecretsSealer), as
 * it sealed v1 plain secrets. down() moves them back; values sealed by a start since then stay
 * sealed, so revert before starting the new version, or set those headers again afterwards.
 */
export class MoveCredentialHeadersToSecretHeaders1765000000000 implements MigrationInterface {
  name = 'MoveCredentialHeadersToSecretHeaders1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE triggers SET action = action || jsonb_build_object(
        'headers', (SELECT coalesce(jsonb_object_agg(name, value), '{}'::jsonb)
                    FROM jsonb_each(action -> 'headers') AS h(name, value)
                    WHERE name !~* ${CREDENTIAL}),
        'secretHeaders', coalesce(action -> 'secretHeaders', '{}'::jsonb)
          || (SELECT jsonb_object_agg(name, value)
              FROM jsonb_each(action -> 'headers') AS h(name, value)
              WHERE name ~* ${CREDENTIAL}))
      WHERE action ->> 'type' = 'http' AND jsonb_typeof(action -> 'headers') = 'object'
        AND EXISTS (SELECT 1 FROM jsonb_object_keys(action -> 'headers') AS name
                    WHERE name ~* ${CREDENTIAL})`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE triggers SET action = (action - 'secretHeaders') || jsonb_build_object(
        'headers', coalesce(action -> 'headers', '{}'::jsonb) || (action -> 'secretHeaders'))
      WHERE action ->> 'type' = 'http' AND jsonb_typeof(action -> 'secretHeaders') = 'object'`);
  }
}
