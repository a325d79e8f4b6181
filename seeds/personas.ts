import { seedId } from '../src/common/ids';

/**
 * The named people and facts of the seed world (docs/seed-world.md), for the seed
 * itself and for the tests: `as(PERSONAS.distributors.mumbai.admin)`.
 */

/** One distributor per case of the transfer gate, in the order of the scenario's table. */
export const DISTRIBUTOR_SLUGS = ['rhein', 'alpen', 'liberty', 'oldglory', 'vigilancia', 'mumbai', 'lioncity', 'gulf', 'bosphorus', 'andes', 'nordlicht'] as const;
export type DistributorSlug = (typeof DISTRIBUTOR_SLUGS)[number];

/** What the transfer gate answers for each distributor at the scenario's "today" (late 2026). */
export const GATE_TODAY: Record<DistributorSlug, 'allowed' | 'denied'> = {
  rhein: 'allowed', // EEA
  alpen: 'allowed', // adequacy (CH)
  liberty: 'allowed', // DPF certification
  oldglory: 'denied', // Privacy Shield invalid since 2020-07-16
  vigilancia: 'allowed', // SCC 2021
  mumbai: 'denied', // SCC expired 2025-12-31
  lioncity: 'allowed', // DPA
  gulf: 'denied', // SCC never signed
  bosphorus: 'denied', // old SCC ended 2022-12-27
  andes: 'denied', // SCC terminated 2024-09-30
  nordlicht: 'denied', // processes in the U.S. without a basis
};

/** The customer served by two distributors: `rhein` (ungated) and `mumbai` (gated). */
export const HARBOR = 'harbor';
export const HARBOR_DISTRIBUTORS: readonly DistributorSlug[] = ['rhein', 'mumbai'];

/** Customer slugs: `<distributor>-c1`, `<distributor>-c2` for each distributor, then `harbor`. */
export const CUSTOMER_SLUGS: readonly string[] = [...DISTRIBUTOR_SLUGS.flatMap((d) => [`${d}-c1`, `${d}-c2`]), HARBOR];

function distributorPersonas(): Record<DistributorSlug, { admin: string; user: string }> {
  const out = {} as Record<DistributorSlug, { admin: string; user: string }>;
  for (const slug of DISTRIBUTOR_SLUGS) out[slug] = { admin: `admin@${slug}.example`, user: `user@${slug}.example` };
  return out;
}

export const PERSONAS = {
  vendorAdmin: 'admin@mobotix.example',
  vendorStaff: 'support@mobotix.example',
  privacyOfficer: 'dpo@mobotix.example',
  distributors: distributorPersonas(),
  /** `admin@<cslug>.example` (CUSTOMER_ADMIN) and `user@<cslug>.example` (CUSTOMER_USER). */
  customer: (cslug: string) => ({ admin: `admin@${cslug}.example`, user: `user@${cslug}.example` }),
} as const;

export const VENDOR_SLUG = 'mobotix';

export function orgId(slug: string): string {
  return seedId(`org:${slug}`);
}

export function userId(email: string): string {
  return seedId(`user:${email}`);
}

/** n = 1 or 2. */
export function computerId(cslug: string, n: number): string {
  return seedId(`computer:${cslug}:${n}`);
}

export function productId(sku: string): string {
  return seedId(`product:${sku}`);
}

/** n = 1..10, see {@link LICENSE_CASES}. */
export function licenseId(distributor: DistributorSlug, n: number): string {
  return seedId(`license:${distributor}:${n}`);
}

export function contractId(distributor: DistributorSlug): string {
  return seedId(`contract:${distributor}`);
}

export const PRODUCT_SKUS = {
  vms: 'MX-VMS-PRO',
  analytics: 'MX-ANALYTICS',
  cloudRecording: 'MX-CLOUD-REC',
} as const;

/**
 * Each distributor's 10 licenses, by number (`licenseId(slug, n)`); the same layout for all.
 * For rhein and mumbai, license 10 is allocated to harbor instead of `<slug>-c1`.
 */
export const LICENSE_CASES = {
  /** State REGISTERED, held by the distributor, no customer. */
  registered: [1, 2, 3, 4],
  /** The six allocated to customers (whatever their state now). */
  allocated: [5, 6, 7, 8, 9, 10],
  /** Perpetual, to c1, licensee person = user@<slug>-c1.example; 1 of 5 seats active. */
  withLicensee: 5,
  /** Subscription, to c1, 2 seats, both active on c1's two computers. */
  atSeatLimit: 6,
  /** Subscription, to c2, validUntil 2026-06-30: EXPIRED (derived). 1 of 2 seats active. */
  expired: 7,
  /** Perpetual, to c2, state REVOKED; its one activation deactivated at revocation. */
  revoked: 8,
  /** Perpetual, to c2, 2 of 4 seats active on c2's two computers. */
  activated: 9,
  /** Subscription, to c1 (to harbor for rhein and mumbai, active on one harbor computer), 2 seats. */
  spare: 10,
} as const;

/** Instants of the scenario that tests refer to. */
export const SEED_DATES = {
  consentGivenAt: '2024-01-15T09:00:00.000Z',
  expiredValidUntil: '2026-06-30T00:00:00.000Z',
  subscriptionValidUntil: '2027-12-31T00:00:00.000Z',
  revokedAt: '2025-09-15T12:00:00.000Z',
} as const;

/**
 * Rows per table right after seeding an empty database.
 * customer_account: 11 × 2 + harbor's two distributors = 24.
 * activation: 7 per distributor (licenses 5, 6×2, 7, 8, 9×2) + harbor's 2 = 79, of which 11 inactive.
 * contract: one for each distributor except rhein, alpen and nordlicht = 8.
 */
export const SEED_COUNTS = {
  organization: 35,
  customer_account: 24,
  portal_user: 71,
  product: 3,
  license: 110,
  computer: 46,
  activation: 79,
  contract: 8,
} as const;
