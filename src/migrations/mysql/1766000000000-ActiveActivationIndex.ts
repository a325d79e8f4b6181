import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A license's seats in use (its activations not deactivated) counted from the index alone: the
 * license summary and every license page's seatsUsed count them per license (docs/benchmarks.md, A1).
 */
export class ActiveActivationIndex1766000000000 implements MigrationInterface {
    name = 'ActiveActivationIndex1766000000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX \`IDX_activation_license_active\` ON \`activation\` (\`licenseId\`, \`deactivatedAt\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_activation_license_active\` ON \`activation\``);
    }
}
