import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddDeadLetterListIndexes1764000300001 implements MigrationInterface {
  name = 'AddDeadLetterListIndexes1764000300001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The dead-letter list's own order (unresolved first, then newest): with errorCategory the
    // first rows of a page come straight from the index, a time range filtering inside it.
    await queryRunner.query(`
      CREATE INDEX dead_letters_category_list_idx
        ON dead_letters (error_category, ((resolved_at IS NOT NULL)::int), created_at DESC, id)`);
    // It serves everything the plain (error_category, created_at) index of 1764000300000 did.
    await queryRunner.query(`DROP INDEX dead_letters_category_created_idx`);
    // A trigger's unresolved dead letters (the open-work check of its deletion): few rows.
    await queryRunner.query(`
      CREATE INDEX dead_letters_unresolved_trigger_idx ON dead_letters (trigger_id)
        WHERE resolved_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX dead_letters_unresolved_trigger_idx`);
    await queryRunner.query(`
      CREATE INDEX dead_letters_category_created_idx
        ON dead_letters (error_category, created_at DESC, id DESC)`);
    await queryRunner.query(`DROP INDEX dead_letters_category_list_idx`);
  }
}
