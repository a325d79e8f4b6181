import { MigrationInterface, QueryRunner } from "typeorm";

/** hub_event: the outbox and event feed (docs/events.md), written in the transaction of each write. */
export class EventOutbox1765100000000 implements MigrationInterface {
    name = 'EventOutbox1765100000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`hub_event\` (\`id\` varchar(36) NOT NULL, \`type\` varchar(48) NOT NULL, \`occurredAt\` datetime(3) NOT NULL, \`subjectType\` varchar(32) NOT NULL, \`subjectId\` varchar(36) NOT NULL, \`licenseId\` varchar(36) NULL, \`distributorId\` varchar(36) NULL, \`customerId\` varchar(36) NULL, INDEX \`IDX_hub_event_type\` (\`type\`, \`id\`), INDEX \`IDX_hub_event_customer\` (\`customerId\`, \`id\`), INDEX \`IDX_hub_event_distributor\` (\`distributorId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_hub_event_distributor\` ON \`hub_event\``);
        await queryRunner.query(`DROP INDEX \`IDX_hub_event_customer\` ON \`hub_event\``);
        await queryRunner.query(`DROP INDEX \`IDX_hub_event_type\` ON \`hub_event\``);
        await queryRunner.query(`DROP TABLE \`hub_event\``);
    }
}
