import { EntityManager } from 'typeorm';
import { generateActivationKey, normalizeActivationKey } from '../../common/activation-key';
import { LicenseStatus, OrganizationKind, UserStatus } from '../../common/enums';
import { badInput, conflict, InputProblem, notFound } from '../../common/errors';
import { idArg } from '../../common/filters';
import { newId } from '../../common/ids';
import { sqlAnd, sqlDate, sqlIn } from '../../common/sql';
import { claimRow, forUpdate, inTransaction } from '../../common/transaction';
import { RequestContext } from '../../context/request-context';
import { reachable, reachableForUpdate } from '../../policy/reachable';
import { recordWrite, recordWrites } from '../audit/audit.writer';
import { Organization } from '../organization/organization.entity';
import { Product } from '../product/product.entity';
import { PortalUser } from '../user/portal-user.entity';
import { License, licenseStatus } from './license.entity';
import { AllocateLicenseInput, RegisterLicensesInput, RenewLicenseInput, RevokeLicenseInput } from './license.inputs';

export const LIMITS = { count: { min: 1, max: 1000 }, seats: { min: 1, max: 10_000 }, allocate: 100, reason: 500, renewYears: 100 } as const;

function inRange(problems: InputProblem[], field: string, value: number, { min, max }: { min: number; max: number }): void {
  if (!Number.isInteger(value) || value < min || value > max) problems.push({ field, message: `must be between ${min} and ${max} (got ${value})` });
}

/** P10: licenses exist only registered to a distributor. VENDOR_ADMIN. */
export async function registerLicenses(ctx: RequestContext, input: RegisterLicensesInput): Promise<License[]> {
  const problems: InputProblem[] = [];
  const productId = idArg('Product', input.productId, 'input.productId');
  const distributorId = idArg('Organization', input.distributorId, 'input.distributorId');
  inRange(problems, 'input.count', input.count, LIMITS.count);
  inRange(problems, 'input.seats', input.seats, LIMITS.seats);
  if (input.validUntil && input.validUntil <= input.validFrom) problems.push({ field: 'input.validUntil', message: 'must be after validFrom' });
  if (problems.length) throw badInput(problems);

  return inTransaction(ctx.dataSource, async (manager) => {
    await reachableForUpdate(ctx, manager, Product, productId, 'Product (input.productId)');
    const distributor = await reachableForUpdate(ctx, manager, Organization, distributorId, 'Organization (input.distributorId)');
    if (distributor.kind !== OrganizationKind.DISTRIBUTOR) throw badInput({ field: 'input.distributorId', message: 'is not a distributor' });
    const keys = await uniqueKeys(ctx, manager, input.count);
    const licenses = keys.map((key) =>
      manager.create(License, {
        id: newId(ctx.now),
        productId,
        seats: input.seats,
        state: LicenseStatus.REGISTERED,
        validFrom: input.validFrom,
        validUntil: input.validUntil ?? null,
        distributorId,
        customerId: null,
        licenseeId: null,
        activationKeyCipher: ctx.secrets.seal(key),
        activationKeyDigest: ctx.secrets.digest(normalizeActivationKey(key)),
        allocatedAt: null,
        revokedAt: null,
        revokeReason: null,
        lapsedAt: null,
        createdAt: ctx.now,
      }),
    );
    for (let i = 0; i < licenses.length; i += 200) await manager.insert(License, licenses.slice(i, i + 200));
    await recordWrites(
      manager,
      ctx,
      licenses.map((l) => ({ action: 'license.registered', subjectType: 'License', subjectId: l.id, detail: { distributorId, productId, seats: l.seats } })),
    );
    return licenses;
  });
}

/** Crypto-random keys, none already in the table (the unique index on the digest guards the rest). */
async function uniqueKeys(ctx: RequestContext, manager: EntityManager, count: number): Promise<string[]> {
  const keys = new Map<string, string>();
  while (keys.size < count) {
    const fresh = new Map<string, string>();
    while (keys.size + fresh.size < count) {
      const key = generateActivationKey();
      const digest = ctx.secrets.digest(normalizeActivationKey(key));
      if (!keys.has(digest)) fresh.set(digest, key);
    }
    const taken = sqlIn('activationKeyDigest', [...fresh.keys()]);
    const clashes: { d: string }[] = await manager.query(`SELECT activationKeyDigest AS d FROM \`license\` WHERE ${taken.sql}`, taken.params);
    for (const { d } of clashes) fresh.delete(d);
    for (const [digest, key] of fresh) keys.set(digest, key);
  }
  return [...keys.values()];
}

/** Locks the reachable licenses of the ids, in id order (a fixed order: no deadlock between two allocations). */
async function lockLicenses(ctx: RequestContext, manager: EntityManager, ids: string[], field: string): Promise<License[]> {
  const base = reachable(ctx, License);
  const where = sqlAnd([sqlIn('e.id', ids), ...base.where]);
  const found: { id: string }[] = await manager.query(`SELECT e.id FROM \`license\` e WHERE ${where.sql} ORDER BY e.id${forUpdate(manager)}`, where.params);
  const foundIds = new Set(found.map((r) => r.id));
  const missing = ids.findIndex((id) => !foundIds.has(id));
  if (missing >= 0) throw notFound(`License (${field}[${missing}])`);
  const rows = await manager.findBy(
    License,
    ids.map((id) => ({ id })),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!);
}

/**
 * Allocates REGISTERED licenses to a customer their distributor serves, optionally naming a
 * licensee person of that customer. All or nothing, in one transaction.
 */
export async function allocateLicense(ctx: RequestContext, input: AllocateLicenseInput): Promise<License[]> {
  if (input.licenseIds.length === 0 || input.licenseIds.length > LIMITS.allocate) {
    throw badInput({ field: 'input.licenseIds', message: `must hold 1 to ${LIMITS.allocate} ids (got ${input.licenseIds.length})` });
  }
  const ids = input.licenseIds.map((id, i) => idArg('License', id, `input.licenseIds[${i}]`));
  const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (dup >= 0) throw badInput({ field: `input.licenseIds[${dup}]`, message: 'is given twice' });
  const customerId = idArg('Organization', input.customerId, 'input.customerId');
  const licenseeId = input.licenseeId ? idArg('PortalUser', input.licenseeId, 'input.licenseeId') : null;

  return inTransaction(ctx.dataSource, async (manager) => {
    const licenses = await lockLicenses(ctx, manager, ids, 'input.licenseIds');
    const customer = await reachableForUpdate(ctx, manager, Organization, customerId, 'Organization (input.customerId)');
    if (customer.kind !== OrganizationKind.CUSTOMER) throw badInput({ field: 'input.customerId', message: 'is not a customer' });
    licenses.forEach((license, i) => {
      const status = licenseStatus(license, ctx.now);
      if (status !== LicenseStatus.REGISTERED) {
        throw conflict(`input.licenseIds[${i}]: the license is ${status}; only a REGISTERED license can be allocated`, { field: `input.licenseIds[${i}]`, rule: 'license.allocate_registered_only' });
      }
    });
    const distributors = [...new Set(licenses.map((l) => l.distributorId))];
    const served: { d: string }[] = await manager.query(`SELECT distributorId AS d FROM \`customer_account\` WHERE customerId = ? AND ${sqlIn('distributorId', distributors).sql}`, [
      customerId,
      ...distributors,
    ]);
    const servedBy = new Set(served.map((r) => r.d));
    const unserved = licenses.findIndex((l) => !servedBy.has(l.distributorId));
    if (unserved >= 0) {
      throw conflict(`input.customerId: the customer is not served by the distributor holding input.licenseIds[${unserved}]`, {
        field: 'input.customerId',
        rule: 'license.allocate_to_served_customer',
      });
    }
    if (licenseeId) {
      const person = await reachableForUpdate(ctx, manager, PortalUser, licenseeId, 'PortalUser (input.licenseeId)');
      if (person.organizationId !== customerId) throw badInput({ field: 'input.licenseeId', message: 'is not a person of that customer' });
      // One answer whatever the status: a distributor behind a closed transfer gate (or an API key
      // without personal_data:read) may not read it, and the refusal must not tell it.
      if (person.status !== UserStatus.ACTIVE) throw licenseeNotActive();
    }
    // The customer's link and licensee checked above must hold on every node of a Galera cluster
    // until this commits: unlinking the customer, or disabling or withdrawing the licensee, claim it too (claimRow).
    await claimRow(manager, 'organization', customerId);
    await manager.query(`UPDATE \`license\` SET state = ?, customerId = ?, licenseeId = ?, allocatedAt = ? WHERE ${sqlIn('id', ids).sql}`, [
      LicenseStatus.ALLOCATED,
      customerId,
      licenseeId,
      sqlDate(ctx.now),
      ...ids,
    ]);
    await recordWrites(
      manager,
      ctx,
      licenses.map((l) => ({ action: 'license.allocated', subjectType: 'License', subjectId: l.id, fields: licenseeId ? ['License.licensee'] : [], detail: { customerId } })),
    );
    return licenses;
  });
}

/** The refusal of a licensee who cannot hold a license; the same text for DISABLED, WITHDRAWN and ERASED. */
const licenseeNotActive = () =>
  conflict('input.licenseeId: this person cannot be named licensee (only an active user of the customer can)', { field: 'input.licenseeId', rule: 'license.licensee_active' });

/** VENDOR_ADMIN ends a license: state REVOKED, and its active activations end now. */
export async function revokeLicense(ctx: RequestContext, input: RevokeLicenseInput): Promise<License> {
  const id = idArg('License', input.licenseId, 'input.licenseId');
  const reason = input.reason?.trim() || null;
  if (reason && reason.length > LIMITS.reason) throw badInput({ field: 'input.reason', message: `must be at most ${LIMITS.reason} characters` });
  return inTransaction(ctx.dataSource, async (manager) => {
    const license = await reachableForUpdate(ctx, manager, License, id, 'License (input.licenseId)');
    if (license.state === LicenseStatus.REVOKED) throw conflict('the license is already revoked', { rule: 'license.revoke_once' });
    const now = sqlDate(ctx.now);
    await manager.query('UPDATE `license` SET state = ?, revokedAt = ?, revokeReason = ? WHERE id = ?', [LicenseStatus.REVOKED, now, reason, id]);
    const ended: { n: unknown }[] = await manager.query('SELECT COUNT(*) AS n FROM `activation` WHERE licenseId = ? AND deactivatedAt IS NULL', [id]);
    await manager.query('UPDATE `activation` SET deactivatedAt = ? WHERE licenseId = ? AND deactivatedAt IS NULL', [now, id]);
    await recordWrite(manager, ctx, { action: 'license.revoked', subjectType: 'License', subjectId: id, detail: { endedActivations: Number(ended[0].n) } });
    return license;
  });
}

/**
 * VENDOR_ADMIN moves the end of a license's term later (a renewal or an extension): the term is
 * the vendor's to set, as at registration. An expired license may be renewed (it is ALLOCATED or
 * REGISTERED again from now on); a revoked or lapsed one may not, nor a perpetual one.
 */
export async function renewLicense(ctx: RequestContext, input: RenewLicenseInput): Promise<License> {
  const id = idArg('License', input.licenseId, 'input.licenseId');
  const validUntil = input.validUntil;
  const latest = new Date(ctx.now.getTime());
  latest.setUTCFullYear(latest.getUTCFullYear() + LIMITS.renewYears);
  if (validUntil.getTime() <= ctx.now.getTime()) throw badInput({ field: 'input.validUntil', message: 'must be after now' });
  if (validUntil.getTime() > latest.getTime()) throw badInput({ field: 'input.validUntil', message: `must be at most ${LIMITS.renewYears} years from now` });
  return inTransaction(ctx.dataSource, async (manager) => {
    const license = await reachableForUpdate(ctx, manager, License, id, 'License (input.licenseId)');
    if (license.state === LicenseStatus.REVOKED || license.state === LicenseStatus.LAPSED) {
      throw conflict(`input.licenseId: the license is ${license.state}; only a license in its term or expired can be renewed`, { field: 'input.licenseId', rule: 'license.renew_in_term' });
    }
    const previous = license.validUntil;
    if (!previous) throw badInput({ field: 'input.validUntil', message: 'the license is perpetual: it has no end of term to move' });
    if (validUntil.getTime() <= previous.getTime()) throw badInput({ field: 'input.validUntil', message: 'must be after the current validUntil' });
    await manager.query('UPDATE `license` SET validUntil = ? WHERE id = ?', [sqlDate(validUntil), id]);
    await recordWrite(manager, ctx, {
      action: 'license.renewed',
      subjectType: 'License',
      subjectId: id,
      detail: { previousValidUntil: previous.toISOString(), validUntil: validUntil.toISOString(), wasExpired: previous.getTime() <= ctx.now.getTime() },
    });
    return license;
  });
}
