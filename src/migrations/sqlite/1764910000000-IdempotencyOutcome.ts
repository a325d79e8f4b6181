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
    await this.rebuild(
      queryRunner,
      `"id" varchar(36) PRIMARY KEY NOT NULL, "actorKey" varchar(80) NOT NULL, "idempotencyKey" varchar(255) NOT NULL, "requestHash" varchar(64) NOT NULL, "status" integer, "createdAt" datetime(3) NOT NULL, "outcome" json, "subjects" text`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "idempotency_record" WHERE "status" IS NOT NULL`);
    await this.rebuild(
      queryRunner,
      `"id" varchar(36) PRIMARY KEY NOT NULL, "actorKey" varchar(80) NOT NULL, "idempotencyKey" varchar(255) NOT NULL, "requestHash" varchar(64) NOT NULL, "status" integer, "response" json, "createdAt" datetime(3) NOT NULL`,
    );
  }

  /** SQLite's way of changing columns: a new table with the kept columns copied over. */
  private async rebuild(queryRunner: QueryRunner, columns: string): Promise<void> {
    const kept = `"id", "actorKey", "idempotencyKey", "requestHash", "status", "createdAt"`;
    await queryRunner.query(`DROP INDEX "UQ_idempotency_actor_key"`);
    await queryRunner.query(`DROP INDEX "IDX_idempotency_created"`);
    await queryRunner.query(`CREATE TABLE "temporary_idempotency_record" (${columns})`);
    await queryRunner.query(`INSERT INTO "temporary_idempotency_record"(${kept}) SELECT ${kept} FROM "idempotency_record"`);
    await queryRunner.query(`DROP TABLE "idempotency_record"`);
    await queryRunner.query(`ALTER TABLE "temporary_idempotency_record" RENAME TO "idempotency_record"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_idempotency_actor_key" ON "idempotency_record" ("actorKey", "idempotencyKey") `);
    await queryRunner.query(`CREATE INDEX "IDX_idempotency_created" ON "idempotency_record" ("createdAt") `);
  }
}
