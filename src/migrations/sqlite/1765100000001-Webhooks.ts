import { MigrationInterface, QueryRunner } from "typeorm";

/** webhook_endpoint and webhook_delivery: where events are sent, and each event's delivery to each endpoint (docs/events.md). */
export class Webhooks1765100000001 implements MigrationInterface {
    name = 'Webhooks1765100000001'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "webhook_endpoint" ("id" varchar(36) PRIMARY KEY NOT NULL, "organizationId" varchar(36) NOT NULL, "url" varchar(2000) NOT NULL, "eventTypes" text NOT NULL, "description" varchar(500), "sealedSecret" varchar(500) NOT NULL, "previousSealedSecret" varchar(500), "previousSecretUntil" datetime(3), "disabledAt" datetime(3), "disabledReason" varchar(300), "createdAt" datetime(3) NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_webhook_endpoint_organization" ON "webhook_endpoint" ("organizationId", "id") `);
        await queryRunner.query(`CREATE TABLE "webhook_delivery" ("id" varchar(36) PRIMARY KEY NOT NULL, "endpointId" varchar(36) NOT NULL, "eventId" varchar(36) NOT NULL, "status" varchar(16) NOT NULL, "attempt" integer NOT NULL, "nextAttemptAt" datetime(3), "lockedUntil" datetime(3), "responseStatus" integer, "durationMs" integer, "error" varchar(200), "deliveredAt" datetime(3), "createdAt" datetime(3) NOT NULL)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_webhook_delivery_endpoint_event" ON "webhook_delivery" ("endpointId", "eventId") `);
        await queryRunner.query(`CREATE INDEX "IDX_webhook_delivery_due" ON "webhook_delivery" ("status", "nextAttemptAt") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_webhook_delivery_due"`);
        await queryRunner.query(`DROP INDEX "UQ_webhook_delivery_endpoint_event"`);
        await queryRunner.query(`DROP TABLE "webhook_delivery"`);
        await queryRunner.query(`DROP INDEX "IDX_webhook_endpoint_organization"`);
        await queryRunner.query(`DROP TABLE "webhook_endpoint"`);
    }
}
