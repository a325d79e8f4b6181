import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency-Key records keep what a mutation did (`outcome`: sealed errors and references)
 * instead of the rendered first response, and name the people and computers it touched
 * (`subjects`) so that their withdrawal or erasure deletes the record.
 *
 * Records from before (at most 24 hours old) lose their rendered response: their personal data
 * goes now, and with `outcome` NULL a retry is told CONFLICT "already carried out" (it never
 * acts twice, and never sees an answer rendered under a policy that may have changed).
 * Down: the old code needs a rendered response for every finished record, so finished records
 * are deleted (a retry within their window would act again); running ones are kept.
 */
export class IdempotencyOutcome1764910000000 implements MigrationInterface {
  name = 'IdempotencyOutcome1764910000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`idempotency_record\` DROP COLUMN \`response\``);
    await queryRunner.query(`ALTER TABLE \`idempotency_record\` ADD \`outcome\` json NULL`);
    await queryRunner.query(`ALTER TABLE \`idempotency_record\` ADD \`subjects\` text NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM \`idempotency_record\` WHERE \`status\` IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE \`idempotency_record\` DROP COLUMN \`subjects\``);
    await queryRunner.query(`ALTER TABLE \`idempotency_record\` DROP COLUMN \`outcome\``);
    await queryRunner.query(`ALTER TABLE \`idempotency_record\` ADD \`response\` json NULL`);
  }
}
