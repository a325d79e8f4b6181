import { EntityManager } from 'typeorm';
import { LicenseStatus, OrganizationKind, Role } from '../../common/enums';
import { countryInput } from '../../common/countries';
import { badInput, conflict, DomainError, ErrorCode, forbidden, InputProblem } from '../../common/errors';
import { idArg } from '../../common/filters';
import { newId } from '../../common/ids';
import { sqlDate } from '../../common/sql';
import { claimRow, inTransaction } from '../../common/transaction';
import { auditValueDigest } from '../../common/audit-digest';
import { isDuplicateKey } from '../../common/duplicate-key';
import { profileProblems } from '../../common/profile';
import { CONTROL_RE } from '../../common/text';
import { RequestContext } from '../../context/request-context';
import { reachableForUpdate } from '../../policy/reachable';
import { managesOrganization } from '../../policy/rules';
import { recordWrite } from '../audit/audit.writer';
import { CustomerAccount } from './customer-account.entity';
import { Organization, organizationNameKey } from './organization.entity';
import { CreateOrganizationInput, LinkCustomerInput, PostalAddressInput, UnlinkCustomerInput, UpdateOrganizationInput } from './organization.inputs';

export const ORGANIZATION_LIMITS = { street: 200, postalCode: 32, city: 120, processingCountries: 50 } as const;

/**
 * Assigned ISO 3166-1 alpha-2 codes (common/countries.ts: a made-up XX would be a country the
 * transfer gate cannot know), upper-cased and deduplicated, in the order given; at least one.
 */
function countryList(value: string[] | null, field: string, problems: InputProblem[]): string[] {
  if (value === null) {
    problems.push({ field, message: 'cannot be removed: name at least one country' });
    return [];
  }
  if (value.length < 1 || value.length > ORGANIZATION_LIMITS.processingCountries) {
    problems.push({ field, message: `must hold 1 to ${ORGANIZATION_LIMITS.processingCountries} country codes` });
    return [];
  }
  const codes = value.map((c, i) => countryInput(c, `${field}[${i}]`, problems));
  return [...new Set(codes.filter((c): c is string => c !== null))];
}

interface AddressColumns {
  street: string | null;
  postalCode: string | null;
  city: string | null;
  addressCountry: string | null;
}

const NO_ADDRESS: AddressColumns = { street: null, postalCode: null, city: null, addressCountry: null };

/** The address replaces the old one as a whole; a part left out or empty is removed. */
function addressColumns(input: PostalAddressInput | null, problems: InputProblem[]): AddressColumns {
  if (input === null) return NO_ADDRESS;
  const part = (value: string | null | undefined, field: string, max: number): string | null => {
    const v = value?.trim() ?? '';
    if (v === '') return null;
    if (v.length > max) problems.push({ field, message: `must be at most ${max} characters` });
    else if (CONTROL_RE.test(v)) problems.push({ field, message: 'must not contain control characters' });
    return v;
  };
  return {
    street: part(input.street, 'input.address.street', ORGANIZATION_LIMITS.street),
    postalCode: part(input.postalCode, 'input.address.postalCode', ORGANIZATION_LIMITS.postalCode),
    city: part(input.city, 'input.address.city', ORGANIZATION_LIMITS.city),
    addressCountry: input.country?.trim() ? countryInput(input.country, 'input.address.country', problems) : null,
  };
}

const addressValue = (a: AddressColumns): string | null =>
  a.street === null && a.postalCode === null && a.city === null && a.addressCountry === null ? null : JSON.stringify([a.street, a.postalCode, a.city, a.addressCountry]);

interface ContactChange {
  name?: string;
  email?: string | null;
  phone?: string | null;
}

/**
 * Name, e-mail and phone by the rules of rectification (validateProfile); unlike a person's, an
 * organization's e-mail may be removed (null or empty).
 */
function contactChange(input: { name?: string | null; email?: string | null; phone?: string | null }, problems: InputProblem[]): ContactChange {
  const removeEmail = input.email === null || (typeof input.email === 'string' && input.email.trim() === '');
  const change: ContactChange = profileProblems({ name: input.name, phone: input.phone, email: removeEmail ? undefined : input.email }, problems);
  if (removeEmail) change.email = null;
  return change;
}

const forbiddenProcessingCountries = () =>
  new DomainError(ErrorCode.FORBIDDEN, 'input.processingCountries: changed by VENDOR_ADMIN only (the transfer gate reads it)', { field: 'input.processingCountries' });

/**
 * createOrganization: VENDOR_ADMIN creates distributors and customers; a DISTRIBUTOR_ADMIN
 * creates customers only, which it then serves (its customer account, in the same transaction).
 */
export async function createOrganization(ctx: RequestContext, input: CreateOrganizationInput): Promise<Organization> {
  const { actor } = ctx;
  const byDistributor = actor.scopes === null && actor.role === Role.DISTRIBUTOR_ADMIN && actor.organizationKind === OrganizationKind.DISTRIBUTOR;
  const byVendor = actor.scopes === null && actor.role === Role.VENDOR_ADMIN;
  if (!byVendor && !(byDistributor && input.kind === OrganizationKind.CUSTOMER)) throw forbidden('Not allowed: organizations are created by VENDOR_ADMIN, customers also by their distributor admin');

  const problems: InputProblem[] = [];
  if (input.kind === OrganizationKind.VENDOR) problems.push({ field: 'input.kind', message: 'there is one vendor: create a DISTRIBUTOR or a CUSTOMER' });
  const contact = contactChange(input, problems);
  const country = countryInput(input.country, 'input.country', problems);
  const processingCountries = input.processingCountries == null ? (country ? [country] : []) : countryList(input.processingCountries, 'input.processingCountries', problems);
  const address = addressColumns(input.address ?? null, problems);
  if (problems.length) throw badInput(problems);

  return inTransaction(ctx.dataSource, async (manager) => {
    const org = manager.create(Organization, {
      id: newId(ctx.now),
      kind: input.kind,
      name: contact.name!,
      nameKey: organizationNameKey(contact.name!),
      country: country!,
      processingCountries,
      ...address,
      phone: contact.phone ?? null,
      email: contact.email ?? null,
      createdAt: ctx.now,
    });
    await manager.insert(Organization, org);
    const given = [addressValue(address) !== null && 'Organization.address', org.phone !== null && 'Organization.phone', org.email !== null && 'Organization.email'];
    await recordWrite(manager, ctx, {
      action: 'organization.created',
      subjectType: 'Organization',
      subjectId: org.id,
      fields: given.filter((f): f is string => !!f),
      detail: { kind: org.kind, country: org.country, processingCountries, servedBy: byDistributor ? actor.organizationId : null },
    });
    if (byDistributor) {
      await manager.insert(CustomerAccount, { id: newId(ctx.now), distributorId: actor.organizationId, customerId: org.id, createdAt: ctx.now });
      await recordWrite(manager, ctx, { action: 'customer.linked', subjectType: 'Organization', subjectId: org.id, detail: { distributorId: actor.organizationId } });
    }
    return org;
  });
}

/**
 * updateOrganization: name and contact data by VENDOR_ADMIN or the organization's own admin
 * (a distributor admin never for its customers: they manage their own data).
 *
 * processingCountries only by VENDOR_ADMIN (FORBIDDEN naming input.processingCountries for
 * anyone else, even with unchanged values): the transfer gate decides from them whether a
 * distributor may read its customers' personal data, so a distributor must not be able to
 * change what the gate reads about it. The vendor records them from the distributor's contract.
 *
 * The audit event names the changed fields; old and new values are keyed digests, as in
 * rectification (docs/privacy.md), except processingCountries, which are no contact data
 * but a fact the gate decides on, recorded in clear.
 */
export async function updateOrganization(ctx: RequestContext, input: UpdateOrganizationInput): Promise<Organization> {
  const id = idArg('Organization', input.organizationId, 'input.organizationId');
  if (!managesOrganization(ctx.actor, id)) throw forbidden('Not allowed: an organization is updated by VENDOR_ADMIN or its own admin');
  if (input.processingCountries !== undefined && ctx.actor.role !== Role.VENDOR_ADMIN) throw forbiddenProcessingCountries();

  const problems: InputProblem[] = [];
  const contact = contactChange(input, problems);
  const address = input.address === undefined ? undefined : addressColumns(input.address, problems);
  const countries = input.processingCountries === undefined ? undefined : countryList(input.processingCountries, 'input.processingCountries', problems);
  if (!problems.length && contact.name === undefined && contact.email === undefined && contact.phone === undefined && address === undefined && countries === undefined) {
    problems.push({ field: 'input', message: 'names nothing to change (name, address, phone, email or processingCountries)' });
  }
  if (problems.length) throw badInput(problems);

  return inTransaction(ctx.dataSource, async (manager) => {
    const org = await reachableForUpdate(ctx, manager, Organization, id, 'Organization');
    const digest = (field: string, value: string | null) => auditValueDigest(ctx.secrets, id, field, value, 'Organization');
    const set: Partial<Organization> = {};
    const changes: Record<string, { before: string | null; after: string | null }> = {};
    if (contact.name !== undefined && contact.name !== org.name) {
      changes['Organization.name'] = { before: digest('name', org.name), after: digest('name', contact.name) };
      set.name = contact.name;
      set.nameKey = organizationNameKey(contact.name);
    }
    for (const f of ['phone', 'email'] as const) {
      const after = contact[f];
      if (after === undefined || after === org[f]) continue;
      changes[`Organization.${f}`] = { before: digest(f, org[f]), after: digest(f, after) };
      set[f] = after;
    }
    if (address !== undefined) {
      const before = addressValue(org);
      const after = addressValue(address);
      if (before !== after) {
        changes['Organization.address'] = { before: digest('address', before), after: digest('address', after) };
        Object.assign(set, address);
      }
    }
    let processing: { before: string[]; after: string[] } | undefined;
    if (countries !== undefined && [...countries].sort().join() !== [...org.processingCountries].sort().join()) {
      processing = { before: org.processingCountries, after: countries };
      set.processingCountries = countries;
    }
    const changed = [...Object.keys(changes), ...(processing ? ['Organization.processingCountries'] : [])];
    if (!changed.length) return org; // nothing changes, nothing is written
    await manager.update(Organization, { id }, set);
    await recordWrite(manager, ctx, {
      action: 'organization.updated',
      subjectType: 'Organization',
      subjectId: id,
      fields: Object.keys(changes).filter((f) => f !== 'Organization.name'),
      detail: { changed, changes, ...(processing ? { processingCountries: processing } : {}) },
    });
    return Object.assign(org, set);
  });
}

export interface CustomerLink {
  distributor: Organization;
  customer: Organization;
}

/**
 * The two organizations of a link, locked (distributor, then customer: allocateLicense locks the
 * customer after its licenses, so an allocation and an unlinking of the same customer serialize
 * on the customer's row), each of the right kind.
 */
async function linkEnds(ctx: RequestContext, manager: EntityManager, { distributorId, customerId }: { distributorId: string; customerId: string }): Promise<CustomerLink> {
  const distributor = await reachableForUpdate(ctx, manager, Organization, distributorId, 'Organization (input.distributorId)');
  const customer = await reachableForUpdate(ctx, manager, Organization, customerId, 'Organization (input.customerId)');
  const problems: InputProblem[] = [];
  if (distributor.kind !== OrganizationKind.DISTRIBUTOR) problems.push({ field: 'input.distributorId', message: 'is not a distributor' });
  if (customer.kind !== OrganizationKind.CUSTOMER) problems.push({ field: 'input.customerId', message: 'is not a customer' });
  if (problems.length) throw badInput(problems);
  return { distributor, customer };
}

function linkIds(input: LinkCustomerInput | UnlinkCustomerInput) {
  return { distributorId: idArg('Organization', input.distributorId, 'input.distributorId'), customerId: idArg('Organization', input.customerId, 'input.customerId') };
}

const alreadyLinked = () => conflict('the distributor already serves this customer', { rule: 'customer.link_once' });

/** linkCustomer (VENDOR_ADMIN): the distributor serves the customer from now on, and sees it (P3). */
export async function linkCustomer(ctx: RequestContext, input: LinkCustomerInput): Promise<CustomerLink> {
  const ids = linkIds(input);
  try {
    return await inTransaction(ctx.dataSource, async (manager) => {
      const link = await linkEnds(ctx, manager, ids);
      const pair = { distributorId: link.distributor.id, customerId: link.customer.id };
      if (await manager.findOneBy(CustomerAccount, pair)) throw alreadyLinked();
      await manager.insert(CustomerAccount, { id: newId(ctx.now), ...pair, createdAt: ctx.now });
      await recordWrite(manager, ctx, { action: 'customer.linked', subjectType: 'Organization', subjectId: pair.customerId, detail: { distributorId: pair.distributorId } });
      return link;
    });
  } catch (e) {
    // Two links racing: the unique pair index decides, and says so the same way.
    if (!(e instanceof DomainError) && isDuplicateKey(e)) throw alreadyLinked();
    throw e;
  }
}

/**
 * unlinkCustomer (VENDOR_ADMIN): the distributor stops serving the customer and no longer sees
 * it. Refused (CONFLICT, rule customer.unlink_with_licenses_in_force) while the distributor
 * holds licenses allocated to that customer that are still in force at the request's instant
 * (ALLOCATED and not expired): it must keep seeing the customer it manages licenses for. Ended
 * licenses (revoked, lapsed, expired) do not hold the link: they are history, and would
 * otherwise bind a distributor to every customer it ever had.
 */
export async function unlinkCustomer(ctx: RequestContext, input: UnlinkCustomerInput): Promise<CustomerLink> {
  const ids = linkIds(input);
  return inTransaction(ctx.dataSource, async (manager) => {
    const link = await linkEnds(ctx, manager, ids);
    const pair = { distributorId: link.distributor.id, customerId: link.customer.id };
    const account = await manager.findOneBy(CustomerAccount, pair);
    if (!account) throw conflict('the distributor does not serve this customer', { rule: 'customer.unlink_linked_only' });
    const inForce: { n: unknown }[] = await manager.query('SELECT COUNT(*) AS n FROM `license` WHERE distributorId = ? AND customerId = ? AND state = ? AND (validUntil IS NULL OR validUntil > ?)', [
      pair.distributorId,
      pair.customerId,
      LicenseStatus.ALLOCATED,
      sqlDate(ctx.now),
    ]);
    const n = Number(inForce[0].n);
    if (n > 0) {
      throw conflict(`the distributor still holds ${n} license(s) in force allocated to this customer: revoke them or let them end first`, {
        rule: 'customer.unlink_with_licenses_in_force',
        licenses: n,
      });
    }
    // An allocation to this customer on another node of a Galera cluster must not pass its link check meanwhile (claimRow).
    await claimRow(manager, 'organization', pair.customerId);
    await manager.delete(CustomerAccount, { id: account.id });
    await recordWrite(manager, ctx, { action: 'customer.unlinked', subjectType: 'Organization', subjectId: pair.customerId, detail: { distributorId: pair.distributorId } });
    return link;
  });
}
