import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * updatedAt on organization, portal_user, license, activation, computer and contract, set by
 * the database on every write (incremental sync). SQLite cannot add a column whose default is
 * an expression, so each table is rebuilt (foreign keys are off while migrations run); existing
 * rows get their creation time (an activation: its deactivation, else its activation). SQLite
 * has no ON UPDATE: a trigger per table sets updatedAt after every UPDATE that does not set it
 * itself, whatever path wrote the row. Down rebuilds the tables the same way (the table renamed
 * is the new one, so no other table's foreign keys are rewritten).
 */
export class UpdatedAt1765000000000 implements MigrationInterface {
    name = 'UpdatedAt1765000000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_organization_name"`);
        await queryRunner.query(`DROP INDEX "IDX_organization_kind_name"`);
        await queryRunner.query(`CREATE TABLE "temporary_organization" ("id" varchar(36) PRIMARY KEY NOT NULL, "kind" varchar(16) NOT NULL, "name" varchar(200) NOT NULL, "nameKey" varchar(200) NOT NULL, "country" varchar(2) NOT NULL, "processingCountries" text NOT NULL, "street" varchar(200), "postalCode" varchar(32), "city" varchar(120), "addressCountry" varchar(2), "phone" varchar(64), "email" varchar(254), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')))`);
        await queryRunner.query(`INSERT INTO "temporary_organization"("id", "kind", "name", "nameKey", "country", "processingCountries", "street", "postalCode", "city", "addressCountry", "phone", "email", "createdAt", "updatedAt") SELECT "id", "kind", "name", "nameKey", "country", "processingCountries", "street", "postalCode", "city", "addressCountry", "phone", "email", "createdAt", "createdAt" FROM "organization"`);
        await queryRunner.query(`DROP TABLE "organization"`);
        await queryRunner.query(`ALTER TABLE "temporary_organization" RENAME TO "organization"`);
        await queryRunner.query(`CREATE INDEX "IDX_organization_name" ON "organization" ("nameKey", "id")`);
        await queryRunner.query(`CREATE INDEX "IDX_organization_kind_name" ON "organization" ("kind", "nameKey", "id")`);
        await queryRunner.query(`DROP INDEX "IDX_computer_org"`);
        await queryRunner.query(`DROP INDEX "UQ_computer_host"`);
        await queryRunner.query(`CREATE TABLE "temporary_computer" ("id" varchar(36) PRIMARY KEY NOT NULL, "organizationId" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "hostId" varchar(255) NOT NULL, "os" varchar(64) NOT NULL, "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), CONSTRAINT "FK_4006ff70ff83d2078b444bdfd83" FOREIGN KEY ("organizationId") REFERENCES "organization" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_computer"("id", "organizationId", "name", "hostId", "os", "createdAt", "updatedAt") SELECT "id", "organizationId", "name", "hostId", "os", "createdAt", "createdAt" FROM "computer"`);
        await queryRunner.query(`DROP TABLE "computer"`);
        await queryRunner.query(`ALTER TABLE "temporary_computer" RENAME TO "computer"`);
        await queryRunner.query(`CREATE INDEX "IDX_computer_org" ON "computer" ("organizationId", "id")`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_computer_host" ON "computer" ("organizationId", "hostId")`);
        await queryRunner.query(`DROP INDEX "UQ_portal_user_org_email"`);
        await queryRunner.query(`DROP INDEX "IDX_portal_user_org"`);
        await queryRunner.query(`CREATE TABLE "temporary_portal_user" ("id" varchar(36) PRIMARY KEY NOT NULL, "organizationId" varchar(36) NOT NULL, "name" varchar(200) NOT NULL, "email" varchar(254) NOT NULL, "phone" varchar(64), "role" varchar(32) NOT NULL, "status" varchar(16) NOT NULL, "consentGivenAt" datetime(3), "consentWithdrawnAt" datetime(3), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), CONSTRAINT "FK_6fc5f18b28063076f8840a9c77d" FOREIGN KEY ("organizationId") REFERENCES "organization" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_portal_user"("id", "organizationId", "name", "email", "phone", "role", "status", "consentGivenAt", "consentWithdrawnAt", "createdAt", "updatedAt") SELECT "id", "organizationId", "name", "email", "phone", "role", "status", "consentGivenAt", "consentWithdrawnAt", "createdAt", "createdAt" FROM "portal_user"`);
        await queryRunner.query(`DROP TABLE "portal_user"`);
        await queryRunner.query(`ALTER TABLE "temporary_portal_user" RENAME TO "portal_user"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_portal_user_org_email" ON "portal_user" ("organizationId", "email")`);
        await queryRunner.query(`CREATE INDEX "IDX_portal_user_org" ON "portal_user" ("organizationId", "id")`);
        await queryRunner.query(`DROP INDEX "IDX_license_distributor"`);
        await queryRunner.query(`DROP INDEX "IDX_license_customer"`);
        await queryRunner.query(`DROP INDEX "IDX_license_product"`);
        await queryRunner.query(`DROP INDEX "IDX_license_licensee"`);
        await queryRunner.query(`DROP INDEX "IDX_license_valid_until"`);
        await queryRunner.query(`DROP INDEX "UQ_license_key_digest"`);
        await queryRunner.query(`CREATE TABLE "temporary_license" ("id" varchar(36) PRIMARY KEY NOT NULL, "productId" varchar(36) NOT NULL, "seats" integer NOT NULL, "state" varchar(16) NOT NULL, "validFrom" datetime(3) NOT NULL, "validUntil" datetime(3), "distributorId" varchar(36) NOT NULL, "customerId" varchar(36), "licenseeId" varchar(36), "activationKeyCipher" varchar(255) NOT NULL, "activationKeyDigest" varchar(64) NOT NULL, "allocatedAt" datetime(3), "revokedAt" datetime(3), "revokeReason" varchar(500), "lapsedAt" datetime(3), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), CONSTRAINT "FK_d34fb2c28bb0adb3f0a842d5812" FOREIGN KEY ("licenseeId") REFERENCES "portal_user" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_7ebdb97658e5cb109a4fa09ef71" FOREIGN KEY ("customerId") REFERENCES "organization" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_29077d237b9cf11fb548dca109e" FOREIGN KEY ("distributorId") REFERENCES "organization" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_6301707ec7d024a508c5239fa44" FOREIGN KEY ("productId") REFERENCES "product" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_license"("id", "productId", "seats", "state", "validFrom", "validUntil", "distributorId", "customerId", "licenseeId", "activationKeyCipher", "activationKeyDigest", "allocatedAt", "revokedAt", "revokeReason", "lapsedAt", "createdAt", "updatedAt") SELECT "id", "productId", "seats", "state", "validFrom", "validUntil", "distributorId", "customerId", "licenseeId", "activationKeyCipher", "activationKeyDigest", "allocatedAt", "revokedAt", "revokeReason", "lapsedAt", "createdAt", "createdAt" FROM "license"`);
        await queryRunner.query(`DROP TABLE "license"`);
        await queryRunner.query(`ALTER TABLE "temporary_license" RENAME TO "license"`);
        await queryRunner.query(`CREATE INDEX "IDX_license_distributor" ON "license" ("distributorId", "id")`);
        await queryRunner.query(`CREATE INDEX "IDX_license_customer" ON "license" ("customerId", "id")`);
        await queryRunner.query(`CREATE INDEX "IDX_license_product" ON "license" ("productId")`);
        await queryRunner.query(`CREATE INDEX "IDX_license_licensee" ON "license" ("licenseeId")`);
        await queryRunner.query(`CREATE INDEX "IDX_license_valid_until" ON "license" ("validUntil")`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_license_key_digest" ON "license" ("activationKeyDigest")`);
        await queryRunner.query(`DROP INDEX "IDX_activation_license"`);
        await queryRunner.query(`DROP INDEX "IDX_activation_computer"`);
        await queryRunner.query(`DROP INDEX "IDX_activation_by"`);
        await queryRunner.query(`CREATE TABLE "temporary_activation" ("id" varchar(36) PRIMARY KEY NOT NULL, "licenseId" varchar(36) NOT NULL, "computerId" varchar(36) NOT NULL, "activatedAt" datetime(3) NOT NULL, "deactivatedAt" datetime(3), "activatedById" varchar(36), "updatedAt" datetime(3) NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), CONSTRAINT "FK_0a14b806748e1aed86c613e5a40" FOREIGN KEY ("activatedById") REFERENCES "portal_user" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_6758b0cb4b9b1ec85731093c9e0" FOREIGN KEY ("computerId") REFERENCES "computer" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_53d4ba2e03fb0de236a6c16ac14" FOREIGN KEY ("licenseId") REFERENCES "license" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_activation"("id", "licenseId", "computerId", "activatedAt", "deactivatedAt", "activatedById", "updatedAt") SELECT "id", "licenseId", "computerId", "activatedAt", "deactivatedAt", "activatedById", COALESCE("deactivatedAt", "activatedAt") FROM "activation"`);
        await queryRunner.query(`DROP TABLE "activation"`);
        await queryRunner.query(`ALTER TABLE "temporary_activation" RENAME TO "activation"`);
        await queryRunner.query(`CREATE INDEX "IDX_activation_license" ON "activation" ("licenseId", "id")`);
        await queryRunner.query(`CREATE INDEX "IDX_activation_computer" ON "activation" ("computerId", "id")`);
        await queryRunner.query(`CREATE INDEX "IDX_activation_by" ON "activation" ("activatedById")`);
        await queryRunner.query(`DROP INDEX "IDX_contract_distributor"`);
        await queryRunner.query(`CREATE TABLE "temporary_contract" ("id" varchar(36) PRIMARY KEY NOT NULL, "distributorId" varchar(36) NOT NULL, "type" varchar(32) NOT NULL, "status" varchar(16) NOT NULL, "signedAt" datetime(3), "effectiveFrom" datetime(3) NOT NULL, "expiresAt" datetime(3), "terminatedAt" datetime(3), "documentRef" varchar(120), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), CONSTRAINT "FK_db0fc622888c45a91fee87164f1" FOREIGN KEY ("distributorId") REFERENCES "organization" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_contract"("id", "distributorId", "type", "status", "signedAt", "effectiveFrom", "expiresAt", "terminatedAt", "documentRef", "createdAt", "updatedAt") SELECT "id", "distributorId", "type", "status", "signedAt", "effectiveFrom", "expiresAt", "terminatedAt", "documentRef", "createdAt", "createdAt" FROM "contract"`);
        await queryRunner.query(`DROP TABLE "contract"`);
        await queryRunner.query(`ALTER TABLE "temporary_contract" RENAME TO "contract"`);
        await queryRunner.query(`CREATE INDEX "IDX_contract_distributor" ON "contract" ("distributorId", "id")`);
        await queryRunner.query(`CREATE INDEX "IDX_organization_updated" ON "organization" ("updatedAt", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_computer_updated" ON "computer" ("updatedAt", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_portal_user_updated" ON "portal_user" ("updatedAt", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_license_updated" ON "license" ("updatedAt", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_activation_updated" ON "activation" ("updatedAt", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_contract_updated" ON "contract" ("updatedAt", "id") `);
        await queryRunner.query(`CREATE TRIGGER "TR_organization_updated" AFTER UPDATE ON "organization" FOR EACH ROW WHEN NEW."updatedAt" = OLD."updatedAt" BEGIN UPDATE "organization" SET "updatedAt" = strftime('%Y-%m-%d %H:%M:%f','now') WHERE "id" = NEW."id"; END`);
        await queryRunner.query(`CREATE TRIGGER "TR_computer_updated" AFTER UPDATE ON "computer" FOR EACH ROW WHEN NEW."updatedAt" = OLD."updatedAt" BEGIN UPDATE "computer" SET "updatedAt" = strftime('%Y-%m-%d %H:%M:%f','now') WHERE "id" = NEW."id"; END`);
        await queryRunner.query(`CREATE TRIGGER "TR_portal_user_updated" AFTER UPDATE ON "portal_user" FOR EACH ROW WHEN NEW."updatedAt" = OLD."updatedAt" BEGIN UPDATE "portal_user" SET "updatedAt" = strftime('%Y-%m-%d %H:%M:%f','now') WHERE "id" = NEW."id"; END`);
        await queryRunner.query(`CREATE TRIGGER "TR_license_updated" AFTER UPDATE ON "license" FOR EACH ROW WHEN NEW."updatedAt" = OLD."updatedAt" BEGIN UPDATE "license" SET "updatedAt" = strftime('%Y-%m-%d %H:%M:%f','now') WHERE "id" = NEW."id"; END`);
        await queryRunner.query(`CREATE TRIGGER "TR_activation_updated" AFTER UPDATE ON "activation" FOR EACH ROW WHEN NEW."updatedAt" = OLD."updatedAt" BEGIN UPDATE "activation" SET "updatedAt" = strftime('%Y-%m-%d %H:%M:%f','now') WHERE "id" = NEW."id"; END`);
        await queryRunner.query(`CREATE TRIGGER "TR_contract_updated" AFTER UPDATE ON "contract" FOR EACH ROW WHEN NEW."updatedAt" = OLD."updatedAt" BEGIN UPDATE "contract" SET "updatedAt" = strftime('%Y-%m-%d %H:%M:%f','now') WHERE "id" = NEW."id"; END`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER "TR_contract_updated"`);
        await queryRunner.query(`DROP INDEX "IDX_contract_updated"`);
        await queryRunner.query(`DROP TRIGGER "TR_activation_updated"`);
        await queryRunner.query(`DROP INDEX "IDX_activation_updated"`);
        await queryRunner.query(`DROP TRIGGER "TR_license_updated"`);
        await queryRunner.query(`DROP INDEX "IDX_license_updated"`);
        await queryRunner.query(`DROP TRIGGER "TR_portal_user_updated"`);
        await queryRunner.query(`DROP INDEX "IDX_portal_user_updated"`);
        await queryRunner.query(`DROP TRIGGER "TR_computer_updated"`);
        await queryRunner.query(`DROP INDEX "IDX_computer_updated"`);
        await queryRunner.query(`DROP TRIGGER "TR_organization_updated"`);
        await queryRunner.query(`DROP INDEX "IDX_organization_updated"`);
        await queryRunner.query(`DROP INDEX "IDX_contract_distributor"`);
        await queryRunner.query(`CREATE TABLE "temporary_contract" ("id" varchar(36) PRIMARY KEY NOT NULL, "distributorId" varchar(36) NOT NULL, "type" varchar(32) NOT NULL, "status" varchar(16) NOT NULL, "signedAt" datetime(3), "effectiveFrom" datetime(3) NOT NULL, "expiresAt" datetime(3), "terminatedAt" datetime(3), "documentRef" varchar(120), "createdAt" datetime(3) NOT NULL, CONSTRAINT "FK_db0fc622888c45a91fee87164f1" FOREIGN KEY ("distributorId") REFERENCES "organization" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_contract"("id", "distributorId", "type", "status", "signedAt", "effectiveFrom", "expiresAt", "terminatedAt", "documentRef", "createdAt") SELECT "id", "distributorId", "type", "status", "signedAt", "effectiveFrom", "expiresAt", "terminatedAt", "documentRef", "createdAt" FROM "contract"`);
        await queryRunner.query(`DROP TABLE "contract"`);
        await queryRunner.query(`ALTER TABLE "temporary_contract" RENAME TO "contract"`);
        await queryRunner.query(`CREATE INDEX "IDX_contract_distributor" ON "contract" ("distributorId", "id")`);
        await queryRunner.query(`DROP INDEX "IDX_activation_license"`);
        await queryRunner.query(`DROP INDEX "IDX_activation_computer"`);
        await queryRunner.query(`DROP INDEX "IDX_activation_by"`);
        await queryRunner.query(`CREATE TABLE "temporary_activation" ("id" varchar(36) PRIMARY KEY NOT NULL, "licenseId" varchar(36) NOT NULL, "computerId" varchar(36) NOT NULL, "activatedAt" datetime(3) NOT NULL, "deactivatedAt" datetime(3), "activatedById" varchar(36), CONSTRAINT "FK_0a14b806748e1aed86c613e5a40" FOREIGN KEY ("activatedById") REFERENCES "portal_user" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_6758b0cb4b9b1ec85731093c9e0" FOREIGN KEY ("computerId") REFERENCES "computer" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_53d4ba2e03fb0de236a6c16ac14" FOREIGN KEY ("licenseId") REFERENCES "license" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_activation"("id", "licenseId", "computerId", "activatedAt", "deactivatedAt", "activatedById") SELECT "id", "licenseId", "computerId", "activatedAt", "deactivatedAt", "activatedById" FROM "activation"`);
        await queryRunner.query(`DROP TABLE "activation"`);
        await queryRunner.query(`ALTER TABLE "temporary_activation" RENAME TO "activation"`);
        await queryRunner.query(`CREATE INDEX "IDX_activation_license" ON "activation" ("licenseId", "id")`);
        await queryRunner.query(`CREATE INDEX "IDX_activation_computer" ON "activation" ("computerId", "id")`);
        await queryRunner.query(`CREATE INDEX "IDX_activation_by" ON "activation" ("activatedById")`);
        await queryRunner.query(`DROP INDEX "IDX_license_distributor"`);
        await queryRunner.query(`DROP INDEX "IDX_license_customer"`);
        await queryRunner.query(`DROP INDEX "IDX_license_product"`);
        await queryRunner.query(`DROP INDEX "IDX_license_licensee"`);
        await queryRunner.query(`DROP INDEX "IDX_license_valid_until"`);
        await queryRunner.query(`DROP INDEX "UQ_license_key_digest"`);
        await queryRunner.query(`CREATE TABLE "temporary_license" ("id" varchar(36) PRIMARY KEY NOT NULL, "productId" varchar(36) NOT NULL, "seats" integer NOT NULL, "state" varchar(16) NOT NULL, "validFrom" datetime(3) NOT NULL, "validUntil" datetime(3), "distributorId" varchar(36) NOT NULL, "customerId" varchar(36), "licenseeId" varchar(36), "activationKeyCipher" varchar(255) NOT NULL, "activationKeyDigest" varchar(64) NOT NULL, "allocatedAt" datetime(3), "revokedAt" datetime(3), "revokeReason" varchar(500), "lapsedAt" datetime(3), "createdAt" datetime(3) NOT NULL, CONSTRAINT "FK_d34fb2c28bb0adb3f0a842d5812" FOREIGN KEY ("licenseeId") REFERENCES "portal_user" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_7ebdb97658e5cb109a4fa09ef71" FOREIGN KEY ("customerId") REFERENCES "organization" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_29077d237b9cf11fb548dca109e" FOREIGN KEY ("distributorId") REFERENCES "organization" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_6301707ec7d024a508c5239fa44" FOREIGN KEY ("productId") REFERENCES "product" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_license"("id", "productId", "seats", "state", "validFrom", "validUntil", "distributorId", "customerId", "licenseeId", "activationKeyCipher", "activationKeyDigest", "allocatedAt", "revokedAt", "revokeReason", "lapsedAt", "createdAt") SELECT "id", "productId", "seats", "state", "validFrom", "validUntil", "distributorId", "customerId", "licenseeId", "activationKeyCipher", "activationKeyDigest", "allocatedAt", "revokedAt", "revokeReason", "lapsedAt", "createdAt" FROM "license"`);
        await queryRunner.query(`DROP TABLE "license"`);
        await queryRunner.query(`ALTER TABLE "temporary_license" RENAME TO "license"`);
        await queryRunner.query(`CREATE INDEX "IDX_license_distributor" ON "license" ("distributorId", "id")`);
        await queryRunner.query(`CREATE INDEX "IDX_license_customer" ON "license" ("customerId", "id")`);
        await queryRunner.query(`CREATE INDEX "IDX_license_product" ON "license" ("productId")`);
        await queryRunner.query(`CREATE INDEX "IDX_license_licensee" ON "license" ("licenseeId")`);
        await queryRunner.query(`CREATE INDEX "IDX_license_valid_until" ON "license" ("validUntil")`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_license_key_digest" ON "license" ("activationKeyDigest")`);
        await queryRunner.query(`DROP INDEX "UQ_portal_user_org_email"`);
        await queryRunner.query(`DROP INDEX "IDX_portal_user_org"`);
        await queryRunner.query(`CREATE TABLE "temporary_portal_user" ("id" varchar(36) PRIMARY KEY NOT NULL, "organizationId" varchar(36) NOT NULL, "name" varchar(200) NOT NULL, "email" varchar(254) NOT NULL, "phone" varchar(64), "role" varchar(32) NOT NULL, "status" varchar(16) NOT NULL, "consentGivenAt" datetime(3), "consentWithdrawnAt" datetime(3), "createdAt" datetime(3) NOT NULL, CONSTRAINT "FK_6fc5f18b28063076f8840a9c77d" FOREIGN KEY ("organizationId") REFERENCES "organization" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_portal_user"("id", "organizationId", "name", "email", "phone", "role", "status", "consentGivenAt", "consentWithdrawnAt", "createdAt") SELECT "id", "organizationId", "name", "email", "phone", "role", "status", "consentGivenAt", "consentWithdrawnAt", "createdAt" FROM "portal_user"`);
        await queryRunner.query(`DROP TABLE "portal_user"`);
        await queryRunner.query(`ALTER TABLE "temporary_portal_user" RENAME TO "portal_user"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_portal_user_org_email" ON "portal_user" ("organizationId", "email")`);
        await queryRunner.query(`CREATE INDEX "IDX_portal_user_org" ON "portal_user" ("organizationId", "id")`);
        await queryRunner.query(`DROP INDEX "IDX_computer_org"`);
        await queryRunner.query(`DROP INDEX "UQ_computer_host"`);
        await queryRunner.query(`CREATE TABLE "temporary_computer" ("id" varchar(36) PRIMARY KEY NOT NULL, "organizationId" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "hostId" varchar(255) NOT NULL, "os" varchar(64) NOT NULL, "createdAt" datetime(3) NOT NULL, CONSTRAINT "FK_4006ff70ff83d2078b444bdfd83" FOREIGN KEY ("organizationId") REFERENCES "organization" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_computer"("id", "organizationId", "name", "hostId", "os", "createdAt") SELECT "id", "organizationId", "name", "hostId", "os", "createdAt" FROM "computer"`);
        await queryRunner.query(`DROP TABLE "computer"`);
        await queryRunner.query(`ALTER TABLE "temporary_computer" RENAME TO "computer"`);
        await queryRunner.query(`CREATE INDEX "IDX_computer_org" ON "computer" ("organizationId", "id")`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_computer_host" ON "computer" ("organizationId", "hostId")`);
        await queryRunner.query(`DROP INDEX "IDX_organization_name"`);
        await queryRunner.query(`DROP INDEX "IDX_organization_kind_name"`);
        await queryRunner.query(`CREATE TABLE "temporary_organization" ("id" varchar(36) PRIMARY KEY NOT NULL, "kind" varchar(16) NOT NULL, "name" varchar(200) NOT NULL, "nameKey" varchar(200) NOT NULL, "country" varchar(2) NOT NULL, "processingCountries" text NOT NULL, "street" varchar(200), "postalCode" varchar(32), "city" varchar(120), "addressCountry" varchar(2), "phone" varchar(64), "email" varchar(254), "createdAt" datetime(3) NOT NULL)`);
        await queryRunner.query(`INSERT INTO "temporary_organization"("id", "kind", "name", "nameKey", "country", "processingCountries", "street", "postalCode", "city", "addressCountry", "phone", "email", "createdAt") SELECT "id", "kind", "name", "nameKey", "country", "processingCountries", "street", "postalCode", "city", "addressCountry", "phone", "email", "createdAt" FROM "organization"`);
        await queryRunner.query(`DROP TABLE "organization"`);
        await queryRunner.query(`ALTER TABLE "temporary_organization" RENAME TO "organization"`);
        await queryRunner.query(`CREATE INDEX "IDX_organization_name" ON "organization" ("nameKey", "id")`);
        await queryRunner.query(`CREATE INDEX "IDX_organization_kind_name" ON "organization" ("kind", "nameKey", "id")`);
    }
}
