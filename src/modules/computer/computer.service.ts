import { ErrorCode } from '../../common/errors';
import { PageArgs } from '../../common/pagination';
import { idArg, updatedSince } from '../../common/filters';
import { ListQuery, sql } from '../../common/sql';
import { listPage } from '../../context/loaders';
import { RequestContext } from '../../context/request-context';
import { personalDataVerdict } from '../../policy/personal-data';
import { reachable } from '../../policy/reachable';
import { Computer } from './computer.entity';
import { ComputerFilter } from './computer.inputs';

export function computerQuery(ctx: RequestContext): ListQuery<Computer> {
  return reachable(ctx, Computer);
}

export function computerById(ctx: RequestContext) {
  return ctx.loaders.byId(Computer, () => computerQuery(ctx));
}

export function computersOf(ctx: RequestContext, organizationId: string, page: PageArgs) {
  return ctx.loaders.pageOf('Organization.computers', () => computerQuery(ctx), 'e.organizationId', organizationId, page);
}

/**
 * The root list: the computers the viewer reaches (the same row scope as every other path),
 * narrowed by the filter. One statement per page, like every list.
 */
export function listComputers(ctx: RequestContext, filter: ComputerFilter | null | undefined, page: PageArgs) {
  const base = computerQuery(ctx);
  const where = [
    ...base.where,
    filter?.customerId ? sql('e.organizationId = ?', idArg('Organization', filter.customerId, 'filter.customerId')) : null,
    filter?.licenseId ? sql('e.id IN (SELECT af.computerId FROM `activation` af WHERE af.licenseId = ?)', idArg('License', filter.licenseId, 'filter.licenseId')) : null,
    updatedSince(filter?.updatedSince),
  ];
  return listPage(ctx.sql, { ...base, where }, page);
}

/** Why the actor may not read an organization's computers' name and host id now (the code a field read would get). */
export interface ComputerDataDenial {
  code: ErrorCode.FORBIDDEN | ErrorCode.TRANSFER_BASIS_REQUIRED;
  reason: string;
  extra: Record<string, unknown>;
}

/**
 * May the actor read the name and host id of this organization's computers at the request's
 * instant? The decision of the PERSONAL rule on Computer.name / Computer.hostId, made by the
 * same function (personalDataVerdict(), src/policy/personal-data.ts), for the paths that are not
 * a field read: activating a license on a computer named by its host id (the answer says which
 * computer that is) and the computers of a data subject export. null when allowed. Depends only
 * on the actor, the organization and the instant, never on a computer: a refusal reads the same
 * whatever host id was given.
 */
export async function computerDataDenial(ctx: RequestContext, organizationId: string): Promise<ComputerDataDenial | null> {
  const verdict = await personalDataVerdict(ctx, { organizationId }, false);
  return verdict === true ? null : { code: verdict.code, reason: verdict.reason, extra: verdict.extra };
}
