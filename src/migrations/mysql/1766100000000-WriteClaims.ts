import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * license.seatVersion and organization.lockVersion: counters that a transaction increments on
 * the row it locked to check other rows (the seats of a license, the admins or the customer
 * links of an organization), so that on a Galera cluster two such transactions on different
 * nodes conflict at certification (claimRow in src/common/transaction.ts,
 * docs/deployment-galera.md). Adding them leaves updatedAt as it is.
 */
export class WriteClaims1766100000000 implements MigrationInterface {
    name = 'WriteClaims1766100000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`license\` ADD \`seatVersion\` int NOT NULL DEFAULT 0`);
        await queryRunner.query(`ALTER TABLE \`organization\` ADD \`lockVersion\` int NOT NULL DEFAULT 0`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`organization\` DROP COLUMN \`lockVersion\``);
        await queryRunner.query(`ALTER TABLE \`license\` DROP COLUMN \`seatVersion\``);
    }
}
