import { DataSource } from 'typeorm';
import { computerId, DistributorSlug, licenseId, orgId, PERSONAS, PRODUCT_SKUS, productId, userId } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { Client, GraphQLResponse, TestHub } from './hub';

/**
 * Operations and helpers of the license lifecycle end-to-end tests (issue #4): register,
 * allocate, activate, deactivate, revoke, as the personas of the seed scenario.
 */

export const REGISTER = `mutation Register($input: RegisterLicensesInput!) {
  registerLicenses(input: $input) {
    licenses { id status seats seatsUsed validFrom validUntil activationKey product { id } distributor { id } customer { id } }
  }
}`;

export const ALLOCATE = `mutation Allocate($input: AllocateLicenseInput!) {
  allocateLicense(input: $input) {
    licenses { id status distributor { id } customer { id name } licensee { id name email } }
  }
}`;

export const ACTIVATE = `mutation Activate($input: ActivateLicenseInput!) {
  activateLicense(input: $input) {
    activation {
      id activatedAt deactivatedAt
      activatedBy { id }
      computer { id name hostId os organization { id } }
      license { id seats seatsUsed }
    }
  }
}`;

export const DEACTIVATE = `mutation Deactivate($input: DeactivateActivationInput!) {
  deactivateActivation(input: $input) {
    activation { id activatedAt deactivatedAt license { id seatsUsed } }
  }
}`;

export const REVOKE = `mutation Revoke($input: RevokeLicenseInput!) {
  revokeLicense(input: $input) {
    license { id status seatsUsed activations(first: 50) { nodes { id deactivatedAt } } }
  }
}`;

export const LICENSE = `query License($id: ID!) {
  license(id: $id) {
    id status seats seatsUsed validFrom validUntil
    customer { id } licensee { id }
    activations(first: 50) { totalCount nodes { id activatedAt deactivatedAt computer { id hostId } } }
  }
}`;

const AUDIT = `query Audit($filter: AuditEventFilter, $first: Int) {
  auditEvents(filter: $filter, first: $first) {
    totalCount
    nodes { id action requestId actorType actorId subjectType subjectId fields outcome }
  }
}`;

export interface AuditRow {
  id: string;
  action: string;
  requestId: string;
  actorType: string;
  actorId: string | null;
  subjectType: string;
  subjectId: string | null;
  fields: string[];
  outcome: string;
}

/** Global ids of seed rows (the encoding the hub uses; a client treats them as opaque). */
export const ids = {
  org: (slug: string) => toGlobalId('Organization', orgId(slug)),
  user: (email: string) => toGlobalId('PortalUser', userId(email)),
  license: (distributor: DistributorSlug, n: number) => toGlobalId('License', licenseId(distributor, n)),
  computer: (cslug: string, n: number) => toGlobalId('Computer', computerId(cslug, n)),
  product: (sku: string) => toGlobalId('Product', productId(sku)),
  /** A well-formed id of this type that names no row. */
  unknown: (type: 'License' | 'Product' | 'Organization' | 'PortalUser' | 'Activation') => toGlobalId(type, '01890000-0000-7000-8000-00000000dead'),
};

export const VMS = () => ids.product(PRODUCT_SKUS.vms);

/** The one error of a response, asserting there is exactly one and no data for the mutation. */
export function onlyError(r: GraphQLResponse, field: string) {
  expect(r.body.errors).toHaveLength(1);
  expect(r.body.data?.[field] ?? null).toBeNull();
  return r.body.errors![0];
}

/** Rows in a table, straight from the database (to prove that a refusal wrote nothing). */
export async function rowCount(dataSource: DataSource, table: string, where = '1 = 1', params: unknown[] = []): Promise<number> {
  const [{ n }] = await dataSource.query(`SELECT COUNT(*) AS n FROM \`${table}\` WHERE ${where}`, params);
  return Number(n);
}

/** The row counts a license write may touch: licenses, activations, computers, write events of the audit. */
export async function writeCounts(dataSource: DataSource) {
  return {
    license: await rowCount(dataSource, 'license'),
    activeActivations: await rowCount(dataSource, 'activation', 'deactivatedAt IS NULL'),
    activation: await rowCount(dataSource, 'activation'),
    computer: await rowCount(dataSource, 'computer'),
    licenseEvents: await rowCount(dataSource, 'audit_event', "action LIKE 'license.%'"),
    allocatedLicenses: await rowCount(dataSource, 'license', "state = 'ALLOCATED'"),
    revokedLicenses: await rowCount(dataSource, 'license', "state = 'REVOKED'"),
  };
}

/** The write events of the audit record for one subject (by global id), as VENDOR_ADMIN reads them. */
export async function auditOf(admin: Client, subjectId: string, action: string): Promise<AuditRow[]> {
  const data = await admin.data(AUDIT, { filter: { subjectId, action }, first: 100 });
  return data.auditEvents.nodes;
}

/** The request id the hub gave a response (the audit record holds the same). */
export function requestIdOf(r: GraphQLResponse): string {
  const id = r.headers.get('x-request-id');
  expect(id).toBeTruthy();
  return id!;
}

export interface RegisterOptions {
  distributor?: DistributorSlug;
  count?: number;
  seats?: number;
  validFrom?: string;
  validUntil?: string | null;
  productId?: string;
}

/** Fresh REGISTERED licenses held by a distributor, as VENDOR_ADMIN registers them; their global ids. */
export async function registerFresh(hub: TestHub, options: RegisterOptions = {}): Promise<string[]> {
  const admin = await hub.as(PERSONAS.vendorAdmin);
  const { registerLicenses } = await admin.data(REGISTER, {
    input: {
      productId: options.productId ?? VMS(),
      distributorId: ids.org(options.distributor ?? 'rhein'),
      count: options.count ?? 1,
      seats: options.seats ?? 3,
      validFrom: options.validFrom ?? '2026-01-01T00:00:00.000Z',
      ...(options.validUntil !== undefined ? { validUntil: options.validUntil } : {}),
    },
  });
  return registerLicenses.licenses.map((l: { id: string }) => l.id);
}

/** Fresh licenses allocated to a customer by its distributor's DISTRIBUTOR_USER; their global ids. */
export async function allocatedFresh(hub: TestHub, customer: string, options: RegisterOptions & { distributor: DistributorSlug }): Promise<string[]> {
  const licenseIds = await registerFresh(hub, options);
  const distributor = await hub.as(PERSONAS.distributors[options.distributor].user);
  await distributor.data(ALLOCATE, { input: { licenseIds, customerId: ids.org(customer) } });
  return licenseIds;
}

/** A computer input of a new host. */
export const computer = (hostId: string, name = `PC-${hostId}`, os = 'Windows 11') => ({ name, hostId, os });
