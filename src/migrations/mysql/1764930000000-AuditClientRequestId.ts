import { MigrationInterface, QueryRunner } from "typeorm";

/** audit_event.clientRequestId: the client's x-request-id, beside the hub's own requestId. */
export class AuditClientRequestId1764930000000 implements MigrationInterface {
    name = 'AuditClientRequestId1764930000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`audit_event\` ADD \`clientRequestId\` varchar(64) NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`audit_event\` DROP COLUMN \`clientRequestId\``);
    }
}
