import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * updatedAt on organization, portal_user, license, activation, computer and contract, set by
 * the database on every write (DEFAULT and ON UPDATE CURRENT_TIMESTAMP(3)): incremental sync.
 * Existing rows get their creation time (an activation: its deactivation, else its activation);
 * an UPDATE that sets updatedAt itself is not overridden by ON UPDATE.
 */
export class UpdatedAt1765000000000 implements MigrationInterface {
    name = 'UpdatedAt1765000000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`organization\` ADD \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)`);
        await queryRunner.query(`ALTER TABLE \`computer\` ADD \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)`);
        await queryRunner.query(`ALTER TABLE \`portal_user\` ADD \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)`);
        await queryRunner.query(`ALTER TABLE \`license\` ADD \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)`);
        await queryRunner.query(`ALTER TABLE \`activation\` ADD \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)`);
        await queryRunner.query(`ALTER TABLE \`contract\` ADD \`updatedAt\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)`);
        await queryRunner.query(`UPDATE \`organization\` SET \`updatedAt\` = \`createdAt\``);
        await queryRunner.query(`UPDATE \`computer\` SET \`updatedAt\` = \`createdAt\``);
        await queryRunner.query(`UPDATE \`portal_user\` SET \`updatedAt\` = \`createdAt\``);
        await queryRunner.query(`UPDATE \`license\` SET \`updatedAt\` = \`createdAt\``);
        await queryRunner.query(`UPDATE \`activation\` SET \`updatedAt\` = COALESCE(\`deactivatedAt\`, \`activatedAt\`)`);
        await queryRunner.query(`UPDATE \`contract\` SET \`updatedAt\` = \`createdAt\``);
        await queryRunner.query(`CREATE INDEX \`IDX_organization_updated\` ON \`organization\` (\`updatedAt\`, \`id\`)`);
        await queryRunner.query(`CREATE INDEX \`IDX_computer_updated\` ON \`computer\` (\`updatedAt\`, \`id\`)`);
        await queryRunner.query(`CREATE INDEX \`IDX_portal_user_updated\` ON \`portal_user\` (\`updatedAt\`, \`id\`)`);
        await queryRunner.query(`CREATE INDEX \`IDX_license_updated\` ON \`license\` (\`updatedAt\`, \`id\`)`);
        await queryRunner.query(`CREATE INDEX \`IDX_activation_updated\` ON \`activation\` (\`updatedAt\`, \`id\`)`);
        await queryRunner.query(`CREATE INDEX \`IDX_contract_updated\` ON \`contract\` (\`updatedAt\`, \`id\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_contract_updated\` ON \`contract\``);
        await queryRunner.query(`DROP INDEX \`IDX_activation_updated\` ON \`activation\``);
        await queryRunner.query(`DROP INDEX \`IDX_license_updated\` ON \`license\``);
        await queryRunner.query(`DROP INDEX \`IDX_portal_user_updated\` ON \`portal_user\``);
        await queryRunner.query(`DROP INDEX \`IDX_computer_updated\` ON \`computer\``);
        await queryRunner.query(`DROP INDEX \`IDX_organization_updated\` ON \`organization\``);
        await queryRunner.query(`ALTER TABLE \`contract\` DROP COLUMN \`updatedAt\``);
        await queryRunner.query(`ALTER TABLE \`activation\` DROP COLUMN \`updatedAt\``);
        await queryRunner.query(`ALTER TABLE \`license\` DROP COLUMN \`updatedAt\``);
        await queryRunner.query(`ALTER TABLE \`portal_user\` DROP COLUMN \`updatedAt\``);
        await queryRunner.query(`ALTER TABLE \`computer\` DROP COLUMN \`updatedAt\``);
        await queryRunner.query(`ALTER TABLE \`organization\` DROP COLUMN \`updatedAt\``);
    }
}
