import { MigrationInterface, QueryRunner } from "typeorm";

/** webhook_endpoint and webhook_delivery: where events are sent, and each event's delivery to each endpoint (docs/events.md). */
export class Webhooks1765100000001 implements MigrationInterface {
    name = 'Webhooks1765100000001'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`webhook_endpoint\` (\`id\` varchar(36) NOT NULL, \`organizationId\` varchar(36) NOT NULL, \`url\` varchar(2000) NOT NULL, \`eventTypes\` text NOT NULL, \`description\` varchar(500) NULL, \`sealedSecret\` varchar(500) NOT NULL, \`previousSealedSecret\` varchar(500) NULL, \`previousSecretUntil\` datetime(3) NULL, \`disabledAt\` datetime(3) NULL, \`disabledReason\` varchar(300) NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`IDX_webhook_endpoint_organization\` (\`organizationId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`webhook_delivery\` (\`id\` varchar(36) NOT NULL, \`endpointId\` varchar(36) NOT NULL, \`eventId\` varchar(36) NOT NULL, \`status\` varchar(16) NOT NULL, \`attempt\` int NOT NULL, \`nextAttemptAt\` datetime(3) NULL, \`lockedUntil\` datetime(3) NULL, \`responseStatus\` int NULL, \`durationMs\` int NULL, \`error\` varchar(200) NULL, \`deliveredAt\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`IDX_webhook_delivery_due\` (\`status\`, \`nextAttemptAt\`), UNIQUE INDEX \`UQ_webhook_delivery_endpoint_event\` (\`endpointId\`, \`eventId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`UQ_webhook_delivery_endpoint_event\` ON \`webhook_delivery\``);
        await queryRunner.query(`DROP INDEX \`IDX_webhook_delivery_due\` ON \`webhook_delivery\``);
        await queryRunner.query(`DROP TABLE \`webhook_delivery\``);
        await queryRunner.query(`DROP INDEX \`IDX_webhook_endpoint_organization\` ON \`webhook_endpoint\``);
        await queryRunner.query(`DROP TABLE \`webhook_endpoint\``);
    }
}
