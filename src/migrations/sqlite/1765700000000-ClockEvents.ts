import { MigrationInterface, QueryRunner } from "typeorm";

/** hub_gate_state and hub_clock_emission: the clock scheduler's memory (docs/events.md, Clock-driven events). */
export class ClockEvents1765700000000 implements MigrationInterface {
    name = 'ClockEvents1765700000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "hub_gate_state" ("distributorId" varchar(36) PRIMARY KEY NOT NULL, "allowed" boolean NOT NULL, "since" datetime(3) NOT NULL)`);
        await queryRunner.query(`CREATE TABLE "hub_clock_emission" ("emissionKey" varchar(160) PRIMARY KEY NOT NULL, "eventId" varchar(36) NOT NULL, "emittedAt" datetime(3) NOT NULL)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "hub_clock_emission"`);
        await queryRunner.query(`DROP TABLE "hub_gate_state"`);
    }
}
