import { MigrationInterface, QueryRunner } from "typeorm";

/** An e-mail address is unique within its organization, no longer across all organizations. */
export class EmailUniquePerOrganization1764920000000 implements MigrationInterface {
    name = 'EmailUniquePerOrganization1764920000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE UNIQUE INDEX \`UQ_portal_user_org_email\` ON \`portal_user\` (\`organizationId\`, \`email\`)`);
        await queryRunner.query(`DROP INDEX \`UQ_portal_user_email\` ON \`portal_user\``);
    }

    /** Fails while two organizations hold the same address: one of them must change it first. */
    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE UNIQUE INDEX \`UQ_portal_user_email\` ON \`portal_user\` (\`email\`)`);
        await queryRunner.query(`DROP INDEX \`UQ_portal_user_org_email\` ON \`portal_user\``);
    }
}
