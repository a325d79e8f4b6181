import { MigrationInterface, QueryRunner } from "typeorm";

export class Init1764200000000 implements MigrationInterface {
    name = 'Init1764200000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`organization\` (\`id\` varchar(36) NOT NULL, \`kind\` varchar(16) NOT NULL, \`name\` varchar(200) NOT NULL, \`nameKey\` varchar(200) COLLATE utf8mb4_bin NOT NULL, \`country\` varchar(2) NOT NULL, \`processingCountries\` text NOT NULL, \`street\` varchar(200) NULL, \`postalCode\` varchar(32) NULL, \`city\` varchar(120) NULL, \`addressCountry\` varchar(2) NULL, \`phone\` varchar(64) NULL, \`email\` varchar(254) NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`IDX_organization_kind_name\` (\`kind\`, \`nameKey\`, \`id\`), INDEX \`IDX_organization_name\` (\`nameKey\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`computer\` (\`id\` varchar(36) NOT NULL, \`organizationId\` varchar(36) NOT NULL, \`name\` varchar(255) NOT NULL, \`hostId\` varchar(255) COLLATE utf8mb4_bin NOT NULL, \`os\` varchar(64) NOT NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`UQ_computer_host\` (\`organizationId\`, \`hostId\`), INDEX \`IDX_computer_org\` (\`organizationId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`product\` (\`id\` varchar(36) NOT NULL, \`sku\` varchar(64) NOT NULL, \`name\` varchar(200) NOT NULL, \`licenseModel\` varchar(16) NOT NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`UQ_product_sku\` (\`sku\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`portal_user\` (\`id\` varchar(36) NOT NULL, \`organizationId\` varchar(36) NOT NULL, \`name\` varchar(200) NOT NULL, \`email\` varchar(254) NOT NULL, \`phone\` varchar(64) NULL, \`role\` varchar(32) NOT NULL, \`status\` varchar(16) NOT NULL, \`consentGivenAt\` datetime(3) NULL, \`consentWithdrawnAt\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`UQ_portal_user_email\` (\`email\`), INDEX \`IDX_portal_user_org\` (\`organizationId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`license\` (\`id\` varchar(36) NOT NULL, \`productId\` varchar(36) NOT NULL, \`seats\` int NOT NULL, \`state\` varchar(16) NOT NULL, \`validFrom\` datetime(3) NOT NULL, \`validUntil\` datetime(3) NULL, \`distributorId\` varchar(36) NOT NULL, \`customerId\` varchar(36) NULL, \`licenseeId\` varchar(36) NULL, \`activationKeyCipher\` varchar(255) NOT NULL, \`activationKeyDigest\` varchar(64) NOT NULL, \`allocatedAt\` datetime(3) NULL, \`revokedAt\` datetime(3) NULL, \`revokeReason\` varchar(500) NULL, \`lapsedAt\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`UQ_license_key_digest\` (\`activationKeyDigest\`), INDEX \`IDX_license_valid_until\` (\`validUntil\`), INDEX \`IDX_license_licensee\` (\`licenseeId\`), INDEX \`IDX_license_product\` (\`productId\`), INDEX \`IDX_license_customer\` (\`customerId\`, \`id\`), INDEX \`IDX_license_distributor\` (\`distributorId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`activation\` (\`id\` varchar(36) NOT NULL, \`licenseId\` varchar(36) NOT NULL, \`computerId\` varchar(36) NOT NULL, \`activatedAt\` datetime(3) NOT NULL, \`deactivatedAt\` datetime(3) NULL, \`activatedById\` varchar(36) NULL, INDEX \`IDX_activation_by\` (\`activatedById\`), INDEX \`IDX_activation_computer\` (\`computerId\`, \`id\`), INDEX \`IDX_activation_license\` (\`licenseId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`api_key\` (\`id\` varchar(36) NOT NULL, \`organizationId\` varchar(36) NOT NULL, \`name\` varchar(120) NOT NULL, \`prefix\` varchar(16) NOT NULL, \`secretHash\` varchar(64) NOT NULL, \`scopes\` text NOT NULL, \`expiresAt\` datetime(3) NULL, \`revokedAt\` datetime(3) NULL, \`lastUsedAt\` datetime(3) NULL, \`createdById\` varchar(36) NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`IDX_api_key_created_by\` (\`createdById\`), UNIQUE INDEX \`UQ_api_key_hash\` (\`secretHash\`), INDEX \`IDX_api_key_org\` (\`organizationId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`audit_event\` (\`id\` varchar(36) NOT NULL, \`at\` datetime(3) NOT NULL, \`requestId\` varchar(64) NOT NULL, \`actorType\` varchar(16) NOT NULL, \`actorId\` varchar(36) NULL, \`actorOrganizationId\` varchar(36) NULL, \`action\` varchar(64) NOT NULL, \`subjectType\` varchar(32) NOT NULL, \`subjectId\` varchar(36) NULL, \`fields\` text NOT NULL, \`purpose\` varchar(32) NOT NULL, \`outcome\` varchar(16) NOT NULL, \`detail\` varchar(2000) NULL, INDEX \`IDX_audit_event_at\` (\`at\`), INDEX \`IDX_audit_event_action\` (\`action\`, \`id\`), INDEX \`IDX_audit_event_subject\` (\`subjectId\`, \`id\`), INDEX \`IDX_audit_event_actor\` (\`actorId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`contract\` (\`id\` varchar(36) NOT NULL, \`distributorId\` varchar(36) NOT NULL, \`type\` varchar(32) NOT NULL, \`status\` varchar(16) NOT NULL, \`signedAt\` datetime(3) NULL, \`effectiveFrom\` datetime(3) NOT NULL, \`expiresAt\` datetime(3) NULL, \`terminatedAt\` datetime(3) NULL, \`documentRef\` varchar(120) NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`IDX_contract_distributor\` (\`distributorId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`jurisdiction_rule\` (\`id\` varchar(36) NOT NULL, \`country\` varchar(2) NOT NULL, \`regime\` varchar(16) NOT NULL, \`legalAct\` varchar(120) NULL, \`validFrom\` datetime(3) NOT NULL, \`validUntil\` datetime(3) NULL, \`requiresContractType\` varchar(32) NULL, UNIQUE INDEX \`UQ_jurisdiction_rule\` (\`country\`, \`regime\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`transfer_mechanism\` (\`type\` varchar(32) NOT NULL, \`covers\` varchar(200) NOT NULL, \`legalAct\` varchar(200) NULL, \`validFrom\` datetime(3) NULL, \`validUntil\` datetime(3) NULL, PRIMARY KEY (\`type\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`idempotency_record\` (\`id\` varchar(36) NOT NULL, \`actorKey\` varchar(80) NOT NULL, \`idempotencyKey\` varchar(255) COLLATE utf8mb4_bin NOT NULL, \`requestHash\` varchar(64) NOT NULL, \`status\` int NULL, \`response\` json NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`IDX_idempotency_created\` (\`createdAt\`), UNIQUE INDEX \`UQ_idempotency_actor_key\` (\`actorKey\`, \`idempotencyKey\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`customer_account\` (\`id\` varchar(36) NOT NULL, \`distributorId\` varchar(36) NOT NULL, \`customerId\` varchar(36) NOT NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`IDX_customer_account_customer\` (\`customerId\`), UNIQUE INDEX \`UQ_customer_account_pair\` (\`distributorId\`, \`customerId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`ALTER TABLE \`computer\` ADD CONSTRAINT \`FK_4006ff70ff83d2078b444bdfd83\` FOREIGN KEY (\`organizationId\`) REFERENCES \`organization\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`portal_user\` ADD CONSTRAINT \`FK_6fc5f18b28063076f8840a9c77d\` FOREIGN KEY (\`organizationId\`) REFERENCES \`organization\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`license\` ADD CONSTRAINT \`FK_6301707ec7d024a508c5239fa44\` FOREIGN KEY (\`productId\`) REFERENCES \`product\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`license\` ADD CONSTRAINT \`FK_29077d237b9cf11fb548dca109e\` FOREIGN KEY (\`distributorId\`) REFERENCES \`organization\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`license\` ADD CONSTRAINT \`FK_7ebdb97658e5cb109a4fa09ef71\` FOREIGN KEY (\`customerId\`) REFERENCES \`organization\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`license\` ADD CONSTRAINT \`FK_d34fb2c28bb0adb3f0a842d5812\` FOREIGN KEY (\`licenseeId\`) REFERENCES \`portal_user\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`activation\` ADD CONSTRAINT \`FK_53d4ba2e03fb0de236a6c16ac14\` FOREIGN KEY (\`licenseId\`) REFERENCES \`license\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`activation\` ADD CONSTRAINT \`FK_6758b0cb4b9b1ec85731093c9e0\` FOREIGN KEY (\`computerId\`) REFERENCES \`computer\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`activation\` ADD CONSTRAINT \`FK_0a14b806748e1aed86c613e5a40\` FOREIGN KEY (\`activatedById\`) REFERENCES \`portal_user\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`api_key\` ADD CONSTRAINT \`FK_0f36d5c1e97d23b200558af5806\` FOREIGN KEY (\`organizationId\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`api_key\` ADD CONSTRAINT \`FK_76c1592a8ca784b7b66edfa35d2\` FOREIGN KEY (\`createdById\`) REFERENCES \`portal_user\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`contract\` ADD CONSTRAINT \`FK_db0fc622888c45a91fee87164f1\` FOREIGN KEY (\`distributorId\`) REFERENCES \`organization\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`customer_account\` ADD CONSTRAINT \`FK_ae24e58bb05c29e17c682c7f489\` FOREIGN KEY (\`distributorId\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`customer_account\` ADD CONSTRAINT \`FK_c5230ee301d1c5ac07baabeaea8\` FOREIGN KEY (\`customerId\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`customer_account\` DROP FOREIGN KEY \`FK_c5230ee301d1c5ac07baabeaea8\``);
        await queryRunner.query(`ALTER TABLE \`customer_account\` DROP FOREIGN KEY \`FK_ae24e58bb05c29e17c682c7f489\``);
        await queryRunner.query(`ALTER TABLE \`contract\` DROP FOREIGN KEY \`FK_db0fc622888c45a91fee87164f1\``);
        await queryRunner.query(`ALTER TABLE \`api_key\` DROP FOREIGN KEY \`FK_76c1592a8ca784b7b66edfa35d2\``);
        await queryRunner.query(`ALTER TABLE \`api_key\` DROP FOREIGN KEY \`FK_0f36d5c1e97d23b200558af5806\``);
        await queryRunner.query(`ALTER TABLE \`activation\` DROP FOREIGN KEY \`FK_0a14b806748e1aed86c613e5a40\``);
        await queryRunner.query(`ALTER TABLE \`activation\` DROP FOREIGN KEY \`FK_6758b0cb4b9b1ec85731093c9e0\``);
        await queryRunner.query(`ALTER TABLE \`activation\` DROP FOREIGN KEY \`FK_53d4ba2e03fb0de236a6c16ac14\``);
        await queryRunner.query(`ALTER TABLE \`license\` DROP FOREIGN KEY \`FK_d34fb2c28bb0adb3f0a842d5812\``);
        await queryRunner.query(`ALTER TABLE \`license\` DROP FOREIGN KEY \`FK_7ebdb97658e5cb109a4fa09ef71\``);
        await queryRunner.query(`ALTER TABLE \`license\` DROP FOREIGN KEY \`FK_29077d237b9cf11fb548dca109e\``);
        await queryRunner.query(`ALTER TABLE \`license\` DROP FOREIGN KEY \`FK_6301707ec7d024a508c5239fa44\``);
        await queryRunner.query(`ALTER TABLE \`portal_user\` DROP FOREIGN KEY \`FK_6fc5f18b28063076f8840a9c77d\``);
        await queryRunner.query(`ALTER TABLE \`computer\` DROP FOREIGN KEY \`FK_4006ff70ff83d2078b444bdfd83\``);
        await queryRunner.query(`DROP INDEX \`UQ_customer_account_pair\` ON \`customer_account\``);
        await queryRunner.query(`DROP INDEX \`IDX_customer_account_customer\` ON \`customer_account\``);
        await queryRunner.query(`DROP TABLE \`customer_account\``);
        await queryRunner.query(`DROP INDEX \`UQ_idempotency_actor_key\` ON \`idempotency_record\``);
        await queryRunner.query(`DROP INDEX \`IDX_idempotency_created\` ON \`idempotency_record\``);
        await queryRunner.query(`DROP TABLE \`idempotency_record\``);
        await queryRunner.query(`DROP TABLE \`transfer_mechanism\``);
        await queryRunner.query(`DROP INDEX \`UQ_jurisdiction_rule\` ON \`jurisdiction_rule\``);
        await queryRunner.query(`DROP TABLE \`jurisdiction_rule\``);
        await queryRunner.query(`DROP INDEX \`IDX_contract_distributor\` ON \`contract\``);
        await queryRunner.query(`DROP TABLE \`contract\``);
        await queryRunner.query(`DROP INDEX \`IDX_audit_event_actor\` ON \`audit_event\``);
        await queryRunner.query(`DROP INDEX \`IDX_audit_event_subject\` ON \`audit_event\``);
        await queryRunner.query(`DROP INDEX \`IDX_audit_event_action\` ON \`audit_event\``);
        await queryRunner.query(`DROP INDEX \`IDX_audit_event_at\` ON \`audit_event\``);
        await queryRunner.query(`DROP TABLE \`audit_event\``);
        await queryRunner.query(`DROP INDEX \`IDX_api_key_org\` ON \`api_key\``);
        await queryRunner.query(`DROP INDEX \`UQ_api_key_hash\` ON \`api_key\``);
        await queryRunner.query(`DROP INDEX \`IDX_api_key_created_by\` ON \`api_key\``);
        await queryRunner.query(`DROP TABLE \`api_key\``);
        await queryRunner.query(`DROP INDEX \`IDX_activation_license\` ON \`activation\``);
        await queryRunner.query(`DROP INDEX \`IDX_activation_computer\` ON \`activation\``);
        await queryRunner.query(`DROP INDEX \`IDX_activation_by\` ON \`activation\``);
        await queryRunner.query(`DROP TABLE \`activation\``);
        await queryRunner.query(`DROP INDEX \`IDX_license_distributor\` ON \`license\``);
        await queryRunner.query(`DROP INDEX \`IDX_license_customer\` ON \`license\``);
        await queryRunner.query(`DROP INDEX \`IDX_license_product\` ON \`license\``);
        await queryRunner.query(`DROP INDEX \`IDX_license_licensee\` ON \`license\``);
        await queryRunner.query(`DROP INDEX \`IDX_license_valid_until\` ON \`license\``);
        await queryRunner.query(`DROP INDEX \`UQ_license_key_digest\` ON \`license\``);
        await queryRunner.query(`DROP TABLE \`license\``);
        await queryRunner.query(`DROP INDEX \`IDX_portal_user_org\` ON \`portal_user\``);
        await queryRunner.query(`DROP INDEX \`UQ_portal_user_email\` ON \`portal_user\``);
        await queryRunner.query(`DROP TABLE \`portal_user\``);
        await queryRunner.query(`DROP INDEX \`UQ_product_sku\` ON \`product\``);
        await queryRunner.query(`DROP TABLE \`product\``);
        await queryRunner.query(`DROP INDEX \`IDX_computer_org\` ON \`computer\``);
        await queryRunner.query(`DROP INDEX \`UQ_computer_host\` ON \`computer\``);
        await queryRunner.query(`DROP TABLE \`computer\``);
        await queryRunner.query(`DROP INDEX \`IDX_organization_name\` ON \`organization\``);
        await queryRunner.query(`DROP INDEX \`IDX_organization_kind_name\` ON \`organization\``);
        await queryRunner.query(`DROP TABLE \`organization\``);
    }

}
