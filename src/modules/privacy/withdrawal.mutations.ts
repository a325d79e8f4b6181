import { revokeApiKeysCreatedBy } from '../api-key/api-key.mutations';
import { EntityManager } from 'typeorm';
import { LicenseStatus, Role, UserStatus } from '../../common/enums';
import { badInput, conflict, forbidden } from '../../common/errors';
import { idArg } from '../../common/filters';
import { sqlDate, sqlIn } from '../../common/sql';
import { claimRow, forUpdate, inTransaction } from '../../common/transaction';
import { RequestContext } from '../../context/request-context';
import { reachableForUpdate } from '../../policy/reachable';
import { recordWrite, recordWrites } from '../audit/audit.writer';
import { forgetIdempotencyAbout } from '../idempotency/idempotency.service';
import { PortalUser } from '../user/portal-user.entity';
import { RecordConsentInput, WithdrawConsentInput } from './privacy.inputs';

const isPrivacyOfficer = (ctx: RequestContext) => ctx.actor.scopes === null && ctx.actor.role === Role.PRIVACY_OFFICER;

/** The person a self-or-officer mutation is about: the caller unless the officer names someone else. */
export function subjectOf(ctx: RequestContext, userId: string | null | undefined): { id: string; onBehalf: boolean } {
  const self = ctx.actor.scopes === null ? ctx.actor.userId : null;
  const id = userId == null ? self : idArg('PortalUser', userId, 'input.userId');
  if (!id) throw forbidden('Only a person can act for themself: an API key never does');
  if (id === self) return { id, onBehalf: false };
  if (!isPrivacyOfficer(ctx)) throw forbidden('Only the person themself or the PRIVACY_OFFICER may do this');
  return { id, onBehalf: true };
}

export interface WithdrawalOutcome {
  user: PortalUser;
  lapsedLicenses: string[];
  endedActivations: number;
  revokedApiKeys: string[];
}

/**
 * P9, GDPR Art. 7(3): from the instant of receipt the person's access ends (status WITHDRAWN,
 * which authentication refuses with "consent withdrawn"), licenses whose licensee they are
 * lapse (lapsedAt = receipt), the active activations of those licenses end, and the API keys
 * they created are revoked. All of it in one transaction with its audit events.
 *
 * Two clocks on purpose: the legal facts (consentWithdrawnAt, lapsedAt) carry the instant of
 * receipt; the technical acts (deactivatedAt, revokedAt) carry the instant the hub did them,
 * so that no seat count or key check of the past is rewritten (docs/privacy.md).
 */
export async function withdrawConsent(ctx: RequestContext, input: WithdrawConsentInput): Promise<WithdrawalOutcome> {
  const subject = subjectOf(ctx, input.userId);
  let receivedAt = ctx.now;
  if (input.receivedAt != null) {
    if (!subject.onBehalf && !isPrivacyOfficer(ctx)) {
      throw badInput({ field: 'input.receivedAt', message: 'is given only by the PRIVACY_OFFICER for a notice received by mail; your own withdrawal takes effect now' });
    }
    if (input.receivedAt.getTime() > ctx.now.getTime()) throw badInput({ field: 'input.receivedAt', message: 'must not be in the future' });
    receivedAt = input.receivedAt;
  }

  return inTransaction(ctx.dataSource, async (manager) => {
    const user = await reachableForUpdate(ctx, manager, PortalUser, subject.id, 'PortalUser');
    if (user.status === UserStatus.WITHDRAWN) throw conflict('consent has already been withdrawn', { rule: 'consent.withdraw_once' });
    if (user.status === UserStatus.ERASED) throw conflict('the person has been erased', { rule: 'user.erased_is_final' });
    if (user.consentGivenAt && receivedAt.getTime() < user.consentGivenAt.getTime()) {
      throw badInput({ field: 'input.receivedAt', message: 'must not be before the consent it withdraws was given' });
    }

    // An allocation naming this person as licensee on another node of a Galera cluster must not pass its check meanwhile (claimRow).
    await claimRow(manager, 'organization', user.organizationId);
    await manager.query('UPDATE `portal_user` SET status = ?, consentWithdrawnAt = ? WHERE id = ?', [UserStatus.WITHDRAWN, sqlDate(receivedAt), user.id]);
    user.status = UserStatus.WITHDRAWN;
    user.consentWithdrawnAt = receivedAt;

    const lapsed = await lapseLicensesOf(manager, ctx, user.id, receivedAt);
    const revokedApiKeys = await revokeApiKeysCreatedBy(manager, ctx, user.id);
    // Stored Idempotency-Key records of their requests, or naming them, go with the withdrawal.
    await forgetIdempotencyAbout(manager, [user.id]);

    await recordWrite(manager, ctx, {
      action: 'consent.withdrawn',
      subjectType: 'PortalUser',
      subjectId: user.id,
      detail: {
        receivedAt: receivedAt.toISOString(),
        onBehalf: subject.onBehalf,
        lapsedLicenses: lapsed.licenses.length,
        endedActivations: lapsed.endedActivations,
        revokedApiKeys: revokedApiKeys.length,
      },
    });
    await recordWrites(
      manager,
      ctx,
      lapsed.licenses.map((l) => ({
        action: 'license.lapsed',
        subjectType: 'License',
        subjectId: l.id,
        detail: { reason: 'consent withdrawn by the licensee', licenseeId: user.id, lapsedAt: receivedAt.toISOString(), endedActivations: l.endedActivations },
      })),
    );
    await recordWrites(
      manager,
      ctx,
      revokedApiKeys.map((id) => ({ action: 'api_key.revoked', subjectType: 'ApiKey', subjectId: id, detail: { reason: 'consent withdrawn by its creator' } })),
    );
    return { user, lapsedLicenses: lapsed.licenses.map((l) => l.id), endedActivations: lapsed.endedActivations, revokedApiKeys };
  });
}

/**
 * The licenses in force whose licensee is the person become LAPSED at the instant of receipt.
 * A license already revoked, lapsed or expired at that instant has nothing left to lapse.
 */
async function lapseLicensesOf(manager: EntityManager, ctx: RequestContext, userId: string, receivedAt: Date) {
  const at = sqlDate(receivedAt);
  const rows: { id: string }[] = await manager.query(
    `SELECT id FROM \`license\` WHERE licenseeId = ? AND state IN (?, ?) AND (validUntil IS NULL OR validUntil > ?) ORDER BY id${forUpdate(manager)}`,
    [userId, LicenseStatus.REGISTERED, LicenseStatus.ALLOCATED, at],
  );
  const ids = rows.map((r) => String(r.id));
  if (!ids.length) return { licenses: [] as { id: string; endedActivations: number }[], endedActivations: 0 };

  const inIds = sqlIn('licenseId', ids);
  const active: { licenseId: string; n: unknown }[] = await manager.query(
    `SELECT licenseId, COUNT(*) AS n FROM \`activation\` WHERE ${inIds.sql} AND deactivatedAt IS NULL GROUP BY licenseId`,
    inIds.params,
  );
  const perLicense = new Map(active.map((r) => [String(r.licenseId), Number(r.n)]));
  const licenseIds = sqlIn('id', ids);
  await manager.query(`UPDATE \`license\` SET state = ?, lapsedAt = ? WHERE ${licenseIds.sql}`, [LicenseStatus.LAPSED, at, ...licenseIds.params]);
  await manager.query(`UPDATE \`activation\` SET deactivatedAt = ? WHERE ${inIds.sql} AND deactivatedAt IS NULL`, [sqlDate(ctx.now), ...inIds.params]);
  const licenses = ids.map((id) => ({ id, endedActivations: perLicense.get(id) ?? 0 }));
  return { licenses, endedActivations: licenses.reduce((n, l) => n + l.endedActivations, 0) };
}

/**
 * A withdrawn person comes back only by new consent recorded explicitly (PRIVACY_OFFICER or
 * VENDOR_ADMIN): status ACTIVE, consentGivenAt = the new consent. consentWithdrawnAt keeps the
 * last withdrawal (a later consentGivenAt means it was renewed); licenses stay LAPSED.
 */
export async function recordConsent(ctx: RequestContext, input: RecordConsentInput): Promise<PortalUser> {
  const id = idArg('PortalUser', input.userId, 'input.userId');
  if (input.givenAt.getTime() > ctx.now.getTime()) throw badInput({ field: 'input.givenAt', message: 'must not be in the future' });
  return inTransaction(ctx.dataSource, async (manager) => {
    const user = await reachableForUpdate(ctx, manager, PortalUser, id, 'PortalUser');
    if (user.status !== UserStatus.WITHDRAWN) {
      throw conflict(`new consent is recorded only for a person who withdrew it (this one is ${user.status})`, { rule: 'consent.renew_withdrawn_only' });
    }
    if (user.consentWithdrawnAt && input.givenAt.getTime() < user.consentWithdrawnAt.getTime()) {
      throw badInput({ field: 'input.givenAt', message: 'must not be before the withdrawal it renews' });
    }
    await manager.query('UPDATE `portal_user` SET status = ?, consentGivenAt = ? WHERE id = ?', [UserStatus.ACTIVE, sqlDate(input.givenAt), id]);
    await recordWrite(manager, ctx, {
      action: 'consent.given',
      subjectType: 'PortalUser',
      subjectId: id,
      detail: { givenAt: input.givenAt.toISOString(), onBehalf: ctx.actor.userId !== id },
    });
    user.status = UserStatus.ACTIVE;
    user.consentGivenAt = input.givenAt;
    return user;
  });
}
