import { MigrationInterface, QueryRunner } from "typeorm";

/** hub_event: the outbox and event feed (docs/events.md), written in the transaction of each write. */
export class EventOutbox1765100000000 implements MigrationInterface {
    name = 'EventOutbox1765100000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "hub_event" ("id" varchar(36) PRIMARY KEY NOT NULL, "type" varchar(48) NOT NULL, "occurredAt" datetime(3) NOT NULL, "subjectType" varchar(32) NOT NULL, "subjectId" varchar(36) NOT NULL, "licenseId" varchar(36), "distributorId" varchar(36), "customerId" varchar(36))`);
        await queryRunner.query(`CREATE INDEX "IDX_hub_event_type" ON "hub_event" ("type", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_hub_event_customer" ON "hub_event" ("customerId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_hub_event_distributor" ON "hub_event" ("distributorId", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_hub_event_distributor"`);
        await queryRunner.query(`DROP INDEX "IDX_hub_event_customer"`);
        await queryRunner.query(`DROP INDEX "IDX_hub_event_type"`);
        await queryRunner.query(`DROP TABLE "hub_event"`);
    }
}
