import type { QueryRunner } from 'typeorm';

/**
 * Changes the codes `alerts.code` accepts, starting from the list as found: several migrations
 * add codes, and a fixed list written by one would drop the others'. Never change what this
 * does once a migration uses it; write another helper instead.
 */
export async function changeAlertCodes(
  queryRunner: QueryRunner,
  change: (codes: string[]) => string[],
): Promise<void> {
  const rows = (await queryRunner.query(
    `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
     WHERE conrelid = 'alerts'::regclass AND conname = 'alerts_code_check'`,
  )) as { definition: string }[];
  const codes = [...rows[0].definition.matchAll(/'([a-z_]+)'/g)].map((match) => match[1]);
  const list = change(codes)
    .map((code) => `'${code}'`)
    .join(', ');
  await queryRunner.query(`
    ALTER TABLE alerts DROP CONSTRAINT alerts_code_check,
      ADD CONSTRAINT alerts_code_check CHECK (code IN (${list}))`);
}
