import { createHash } from 'node:crypto';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { generateActivationKey, normalizeActivationKey } from '../src/common/activation-key';
import { ContractStatus, ContractType, LicenseModel, LicenseStatus, OrganizationKind, Role, UserStatus } from '../src/common/enums';
import { seedId } from '../src/common/ids';
import { SecretBox } from '../src/common/secret-box';
import { Activation } from '../src/modules/activation/activation.entity';
import { Computer } from '../src/modules/computer/computer.entity';
import { Contract } from '../src/modules/contract/contract.entity';
import { License } from '../src/modules/license/license.entity';
import { CustomerAccount } from '../src/modules/organization/customer-account.entity';
import { Organization, organizationNameKey } from '../src/modules/organization/organization.entity';
import { Product } from '../src/modules/product/product.entity';
import { PortalUser } from '../src/modules/user/portal-user.entity';
import { computerId, contractId, DistributorSlug, HARBOR, HARBOR_DISTRIBUTORS, LICENSE_CASES, licenseId, orgId, PERSONAS, PRODUCT_SKUS, productId, SEED_DATES, userId, VENDOR_SLUG } from './personas';

/**
 * The seed world of docs/seed-world.md: the vendor, one distributor per case of
 * the transfer gate, their customers, computers, licenses, activations and contracts.
 * Deterministic (fixed ids, dates and keys) and idempotent (INSERT … IGNORE on fixed ids).
 */

const at = (iso: string) => new Date(iso);

// ---------------------------------------------------------------------------------------------
// The world as data
// ---------------------------------------------------------------------------------------------

interface Person {
  name: string;
  phone: string;
}

interface OrgSpec {
  slug: string;
  name: string;
  country: string;
  processingCountries: string[];
  street: string;
  postalCode: string;
  city: string;
  phone: string;
  email: string;
  admin: Person;
  user: Person;
}

interface ComputerSpec {
  name: string;
  hostId: string;
  os: string;
}

interface CustomerSpec extends OrgSpec {
  computers: [ComputerSpec, ComputerSpec];
}

interface ContractSpec {
  type: ContractType;
  status: ContractStatus;
  signedAt: string | null;
  effectiveFrom: string;
  expiresAt: string | null;
  terminatedAt: string | null;
  documentRef: string;
}

interface DistributorSpec extends OrgSpec {
  slug: DistributorSlug;
  contract: ContractSpec | null;
  customers: [CustomerSpec, CustomerSpec];
}

const VENDOR = {
  slug: VENDOR_SLUG,
  name: 'MOBOTIX AG',
  country: 'DE',
  processingCountries: ['DE'],
  street: 'Kaiserstrasse',
  postalCode: '67722',
  city: 'Langmeil',
  phone: '+49 6302 9816-0',
  email: 'info@mobotix.example',
};

const VENDOR_USERS: { email: string; role: Role; name: string; phone: string }[] = [
  { email: PERSONAS.vendorAdmin, role: Role.VENDOR_ADMIN, name: 'Katrin Weber', phone: '+49 6302 9816-100' },
  { email: PERSONAS.vendorStaff, role: Role.VENDOR_STAFF, name: 'Jonas Becker', phone: '+49 6302 9816-200' },
  { email: PERSONAS.privacyOfficer, role: Role.PRIVACY_OFFICER, name: 'Dr. Miriam Schulte', phone: '+49 6302 9816-300' },
];

const OS = { win: 'Windows Server 2022', linux: 'Ubuntu 24.04 LTS', win11: 'Windows 11 Pro' } as const;

/** Host ids look like hardware fingerprints; fixed strings, unique per customer. */
function computers(prefix: string, hosts: [string, string]): [ComputerSpec, ComputerSpec] {
  return [
    { name: `${prefix}-VMS-01`, hostId: hosts[0], os: OS.win },
    { name: `${prefix}-REC-02`, hostId: hosts[1], os: OS.linux },
  ];
}

function customer(
  slug: string,
  name: string,
  country: string,
  address: [street: string, postalCode: string, city: string],
  phone: string,
  admin: string,
  user: string,
  prefix: string,
  hosts: [string, string],
): CustomerSpec {
  return {
    slug,
    name,
    country,
    processingCountries: [country],
    street: address[0],
    postalCode: address[1],
    city: address[2],
    phone: `${phone}-0`,
    email: `office@${slug}.example`,
    admin: { name: admin, phone: `${phone}-11` },
    user: { name: user, phone: `${phone}-12` },
    computers: computers(prefix, hosts),
  };
}

function distributor(
  slug: DistributorSlug,
  name: string,
  country: string,
  processingCountries: string[],
  address: [street: string, postalCode: string, city: string],
  phone: string,
  admin: string,
  user: string,
  contract: ContractSpec | null,
  customers: [CustomerSpec, CustomerSpec],
): DistributorSpec {
  return {
    slug,
    name,
    country,
    processingCountries,
    street: address[0],
    postalCode: address[1],
    city: address[2],
    phone: `${phone}-0`,
    email: `info@${slug}.example`,
    admin: { name: admin, phone: `${phone}-11` },
    user: { name: user, phone: `${phone}-12` },
    contract,
    customers,
  };
}

function contract(slug: string, type: ContractType, status: ContractStatus, dates: { signedAt: string | null; effectiveFrom: string; expiresAt?: string; terminatedAt?: string }): ContractSpec {
  const year = dates.effectiveFrom.slice(0, 4);
  return {
    type,
    status,
    signedAt: dates.signedAt,
    effectiveFrom: dates.effectiveFrom,
    expiresAt: dates.expiresAt ?? null,
    terminatedAt: dates.terminatedAt ?? null,
    documentRef: `C-${slug.toUpperCase()}-${year}`,
  };
}

const D = (day: string) => `${day}T00:00:00.000Z`;

// A table laid out by hand, one distributor and its customers a block (kept so by prettier-ignore).
// prettier-ignore
export const DISTRIBUTORS: DistributorSpec[] = [
  distributor('rhein', 'Rhein Security GmbH', 'DE', ['DE'], ['Rheinallee 12', '55118', 'Mainz'], '+49 6131 4470',
    'Stefan Krämer', 'Laura Hoffmann', null, [
      customer('rhein-c1', 'Rhein Kunde Eins GmbH', 'DE', ['Große Bleiche 40', '55116', 'Mainz'], '+49 6131 2240',
        'Thomas Wagner', 'Sabine Fischer', 'RK1', ['4C1E-0A12-77F3-9B01', '4C1E-0A12-77F3-9B02']),
      customer('rhein-c2', 'Rhein Kunde Zwei KG', 'DE', ['Mainzer Straße 3', '55411', 'Bingen am Rhein'], '+49 6721 3180',
        'Andreas Schmitt', 'Julia Meyer', 'RK2', ['4C1E-0B34-12A8-6C01', '4C1E-0B34-12A8-6C02']),
    ]),
  distributor('alpen', 'Alpen Video AG', 'CH', ['CH'], ['Bahnhofstrasse 21', '8001', 'Zürich'], '+41 44 215 30',
    'Reto Baumann', 'Nadine Keller', null, [
      customer('alpen-c1', 'Alpen Kunde Eins AG', 'CH', ['Via Maistra 7', '7500', 'St. Moritz'], '+41 81 833 40',
        'Gian Caduff', 'Seraina Conrad', 'AK1', ['7A20-11C4-03DE-5E01', '7A20-11C4-03DE-5E02']),
      customer('alpen-c2', 'Alpen Kunde Zwei SA', 'CH', ['Rue de la Gare 15', '2502', 'Biel/Bienne'], '+41 32 322 50',
        'Luc Favre', 'Céline Rochat', 'AK2', ['7A20-22D5-14EF-6F01', '7A20-22D5-14EF-6F02']),
    ]),
  distributor('liberty', 'Liberty Surveillance Inc.', 'US', ['US'], ['500 Congress Avenue', '78701', 'Austin, TX'], '+1 512 555 01',
    'Michael Carter', 'Emily Brooks', contract('liberty', ContractType.DPF_CERTIFICATION, ContractStatus.SIGNED, {
      signedAt: D('2024-01-01'), effectiveFrom: D('2024-01-01'), expiresAt: D('2099-01-01'),
    }), [
      customer('liberty-c1', 'Lone Star Storage LLC', 'US', ['1200 Main Street', '77002', 'Houston, TX'], '+1 713 555 02',
        'Robert Hayes', 'Jennifer Lopez-Reyes', 'LS1', ['9D03-4F21-8A60-0A01', '9D03-4F21-8A60-0A02']),
      customer('liberty-c2', 'Prairie Retail Group Inc.', 'US', ['1615 Farnam Street', '68102', 'Omaha, NE'], '+1 402 555 03',
        'David Olsen', 'Megan Schultz', 'PR2', ['9D03-5A32-9B71-1B01', '9D03-5A32-9B71-1B02']),
    ]),
  distributor('oldglory', 'Old Glory Systems LLC', 'US', ['US'], ['1776 Market Street', '19103', 'Philadelphia, PA'], '+1 215 555 04',
    'William Harris', 'Ashley Turner', contract('oldglory', ContractType.PRIVACY_SHIELD, ContractStatus.SIGNED, {
      signedAt: D('2017-03-01'), effectiveFrom: D('2017-03-01'),
    }), [
      customer('oldglory-c1', 'Keystone Parking Corp.', 'US', ['600 Grant Street', '15219', 'Pittsburgh, PA'], '+1 412 555 05',
        'James Walker', 'Sarah Mitchell', 'KP1', ['2B77-6C43-0D82-2C01', '2B77-6C43-0D82-2C02']),
      customer('oldglory-c2', 'Brandywine Warehousing LLC', 'US', ['300 Delaware Avenue', '19801', 'Wilmington, DE'], '+1 302 555 06',
        'Christopher Young', 'Amanda Price', 'BW2', ['2B77-7D54-1E93-3D01', '2B77-7D54-1E93-3D02']),
    ]),
  distributor('vigilancia', 'Vigilância Brasil Ltda', 'BR', ['BR'], ['Avenida Paulista 1000', '01310-100', 'São Paulo'], '+55 11 3555 10',
    'Rafael Souza', 'Camila Oliveira', contract('vigilancia', ContractType.SCC_2021, ContractStatus.SIGNED, {
      signedAt: D('2023-05-01'), effectiveFrom: D('2023-05-01'),
    }), [
      customer('vigilancia-c1', 'Mercado Paulista Ltda', 'BR', ['Rua 25 de Março 500', '01021-200', 'São Paulo'], '+55 11 3555 20',
        'Bruno Almeida', 'Fernanda Lima', 'MP1', ['5E18-8F65-2FA4-4E01', '5E18-8F65-2FA4-4E02']),
      customer('vigilancia-c2', 'Porto Santos Terminais S.A.', 'BR', ['Avenida Portuária 200', '11015-000', 'Santos'], '+55 13 3555 30',
        'Lucas Pereira', 'Juliana Costa', 'PS2', ['5E18-9A76-3AB5-5F01', '5E18-9A76-3AB5-5F02']),
    ]),
  distributor('mumbai', 'Mumbai CCTV Pvt Ltd', 'IN', ['IN'], ['Nariman Point, Maker Chambers IV', '400021', 'Mumbai'], '+91 22 5555 10',
    'Arjun Mehta', 'Priya Sharma',
    // "Expired 2025-12-31": in force means d < expiresAt, so the contract expires at the
    // first instant of 2026-01-01: it is in force through all of 31 December 2025, and not after.
    contract('mumbai', ContractType.SCC_2021, ContractStatus.SIGNED, {
      signedAt: D('2022-01-10'), effectiveFrom: D('2022-01-10'), expiresAt: D('2026-01-01'),
    }), [
      customer('mumbai-c1', 'Deccan Retail Pvt Ltd', 'IN', ['FC Road 12', '411004', 'Pune'], '+91 20 5555 20',
        'Rohan Kulkarni', 'Sneha Joshi', 'DR1', ['8F29-0B87-4BC6-6A01', '8F29-0B87-4BC6-6A02']),
      customer('mumbai-c2', 'Konkan Ports Pvt Ltd', 'IN', ['Mirkarwada Harbour Road 4', '415612', 'Ratnagiri'], '+91 2352 555 30',
        'Vikram Desai', 'Anjali Patil', 'KO2', ['8F29-1C98-5CD7-7B01', '8F29-1C98-5CD7-7B02']),
    ]),
  distributor('lioncity', 'Lion City Integrators Pte Ltd', 'SG', ['SG'], ['1 Raffles Place', '048616', 'Singapore'], '+65 6555 01',
    'Wei Ming Tan', 'Hui Ling Lim', contract('lioncity', ContractType.DPA, ContractStatus.SIGNED, {
      signedAt: D('2024-06-01'), effectiveFrom: D('2024-06-01'),
    }), [
      customer('lioncity-c1', 'Marina Bay Facilities Pte Ltd', 'SG', ['10 Bayfront Avenue', '018956', 'Singapore'], '+65 6555 02',
        'Kelvin Ng', 'Siew Mei Wong', 'MB1', ['3A4B-2DA9-6DE8-8C01', '3A4B-2DA9-6DE8-8C02']),
      customer('lioncity-c2', 'Jurong Logistics Pte Ltd', 'SG', ['2 Jurong Port Road', '619088', 'Singapore'], '+65 6555 03',
        'Rajesh Kumar', 'Jia Hui Chen', 'JL2', ['3A4B-3EBA-7EF9-9D01', '3A4B-3EBA-7EF9-9D02']),
    ]),
  distributor('gulf', 'Gulf Vision FZE', 'AE', ['AE'], ['Jebel Ali Free Zone, LOB 15', 'P.O. Box 17000', 'Dubai'], '+971 4 555 01',
    'Omar Al Mansoori', 'Fatima Haddad',
    // Never signed: a DRAFT has no signedAt; effectiveFrom is the date it was meant to start.
    contract('gulf', ContractType.SCC_2021, ContractStatus.DRAFT, {
      signedAt: null, effectiveFrom: D('2025-01-01'),
    }), [
      customer('gulf-c1', 'Creek Side Trading LLC', 'AE', ['Baniyas Road 22', 'P.O. Box 4411', 'Dubai'], '+971 4 555 02',
        'Khalid Rahman', 'Aisha Nasser', 'CS1', ['6C5D-4FCB-8F0A-0E01', '6C5D-4FCB-8F0A-0E02']),
      customer('gulf-c2', 'Abu Dhabi Marina Services LLC', 'AE', ['Corniche Road West 8', 'P.O. Box 3280', 'Abu Dhabi'], '+971 2 555 03',
        'Yousef Saleh', 'Mariam Khalil', 'AD2', ['6C5D-50DC-901B-1F01', '6C5D-50DC-901B-1F02']),
    ]),
  distributor('bosphorus', 'Bosphorus Güvenlik A.Ş.', 'TR', ['TR'], ['Büyükdere Caddesi 185', '34394', 'İstanbul'], '+90 212 555 01',
    'Emre Yılmaz', 'Elif Demir', contract('bosphorus', ContractType.SCC_2010, ContractStatus.SIGNED, {
      signedAt: D('2019-04-01'), effectiveFrom: D('2019-04-01'),
    }), [
      customer('bosphorus-c1', 'Kadıköy Otopark A.Ş.', 'TR', ['Rıhtım Caddesi 1', '34716', 'İstanbul'], '+90 216 555 02',
        'Mehmet Kaya', 'Zeynep Şahin', 'KO1', ['1E6F-61ED-A12C-2A01', '1E6F-61ED-A12C-2A02']),
      customer('bosphorus-c2', 'Ege Lojistik Ltd. Şti.', 'TR', ['Liman Caddesi 14', '35220', 'İzmir'], '+90 232 555 03',
        'Burak Arslan', 'Selin Öztürk', 'EL2', ['1E6F-72FE-B23D-3B01', '1E6F-72FE-B23D-3B02']),
    ]),
  distributor('andes', 'Andes Seguridad SpA', 'CL', ['CL'], ['Avenida Apoquindo 3000', '7550000', 'Santiago'], '+56 2 2555 01',
    'Matías González', 'Valentina Muñoz', contract('andes', ContractType.SCC_2021, ContractStatus.TERMINATED, {
      signedAt: D('2023-01-01'), effectiveFrom: D('2023-01-01'), terminatedAt: D('2024-09-30'),
    }), [
      customer('andes-c1', 'Viña Valle Central SpA', 'CL', ['Camino a Pirque 1200', '9480000', 'Pirque'], '+56 2 2555 02',
        'Felipe Rojas', 'Catalina Soto', 'VV1', ['0F70-830F-C34E-4C01', '0F70-830F-C34E-4C02']),
      customer('andes-c2', 'Puerto Valparaíso Servicios Ltda', 'CL', ['Avenida Errázuriz 25', '2340000', 'Valparaíso'], '+56 32 255 03',
        'Sebastián Díaz', 'Francisca Reyes', 'PV2', ['0F70-9410-D45F-5D01', '0F70-9410-D45F-5D02']),
    ]),
  distributor('nordlicht', 'Nordlicht Distribution GmbH', 'DE', ['DE', 'US'], ['Große Elbstraße 145', '22767', 'Hamburg'], '+49 40 3890',
    'Henrik Petersen', 'Anna Jensen', null, [
      customer('nordlicht-c1', 'Nordlicht Kunde Eins GmbH', 'DE', ['Am Sandtorkai 50', '20457', 'Hamburg'], '+49 40 7720',
        'Jan Hansen', 'Lena Schröder', 'NK1', ['2D81-A521-E560-6E01', '2D81-A521-E560-6E02']),
      customer('nordlicht-c2', 'Nordlicht Kunde Zwei GmbH', 'DE', ['Kiellinie 80', '24105', 'Kiel'], '+49 431 5560',
        'Ole Carstensen', 'Maren Lorenzen', 'NK2', ['2D81-B632-F671-7F01', '2D81-B632-F671-7F02']),
    ]),
];

/** Served by rhein (ungated) and mumbai (gated): the same people seen through an open and a closed gate. */
export const HARBOR_CUSTOMER: CustomerSpec = customer(
  HARBOR,
  'Harbor Logistics BV',
  'NL',
  ['Waalhaven Zuidzijde 21', '3089 JH', 'Rotterdam'],
  '+31 10 555 40',
  'Pieter de Vries',
  'Sanne Bakker',
  'HL',
  ['B0A1-C2D3-E4F5-0601', 'B0A1-C2D3-E4F5-0602'],
);

const PRODUCTS: { sku: string; name: string; licenseModel: LicenseModel }[] = [
  { sku: PRODUCT_SKUS.vms, name: 'MOBOTIX HUB VMS Professional', licenseModel: LicenseModel.PERPETUAL },
  { sku: PRODUCT_SKUS.analytics, name: 'MOBOTIX Analytics Suite', licenseModel: LicenseModel.SUBSCRIPTION },
  { sku: PRODUCT_SKUS.cloudRecording, name: 'MOBOTIX Cloud Recording', licenseModel: LicenseModel.SUBSCRIPTION },
];

// Fixed instants of the scenario.
const T = {
  vendorCreated: at('2023-11-01T08:00:00.000Z'),
  distributorCreated: at('2024-01-08T08:00:00.000Z'),
  customerCreated: at('2024-01-10T08:00:00.000Z'),
  accountCreated: at('2024-01-10T08:30:00.000Z'),
  userCreated: at(SEED_DATES.consentGivenAt),
  consentGivenAt: at(SEED_DATES.consentGivenAt),
  productCreated: at('2024-01-02T00:00:00.000Z'),
  licenseCreated: at('2025-02-01T00:00:00.000Z'),
  registeredValidFrom: at('2025-02-01T00:00:00.000Z'),
  allocatedValidFrom: at('2025-03-01T00:00:00.000Z'),
  allocatedAt: at('2025-03-01T10:00:00.000Z'),
  expiredValidFrom: at('2025-07-01T00:00:00.000Z'),
  expiredAllocatedAt: at('2025-07-01T10:00:00.000Z'),
  subscriptionValidUntil: at(SEED_DATES.subscriptionValidUntil),
  expiredValidUntil: at(SEED_DATES.expiredValidUntil),
  computerCreated: at('2025-03-05T09:00:00.000Z'),
  activatedAt: at('2025-03-10T10:00:00.000Z'),
  expiredActivatedAt: at('2025-07-02T10:00:00.000Z'),
  revokedAt: at(SEED_DATES.revokedAt),
} as const;

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

type Row<E> = Partial<E>;

interface World {
  organization: Row<Organization>[];
  customer_account: Row<CustomerAccount>[];
  portal_user: Row<PortalUser>[];
  product: Row<Product>[];
  license: Row<License>[];
  computer: Row<Computer>[];
  activation: Row<Activation>[];
  contract: Row<Contract>[];
}

function orgRow(spec: Omit<OrgSpec, 'admin' | 'user'>, kind: OrganizationKind, createdAt: Date): Row<Organization> {
  return {
    id: orgId(spec.slug),
    kind,
    name: spec.name,
    nameKey: organizationNameKey(spec.name),
    country: spec.country,
    processingCountries: [...spec.processingCountries],
    street: spec.street,
    postalCode: spec.postalCode,
    city: spec.city,
    addressCountry: spec.country,
    phone: spec.phone,
    email: spec.email,
    createdAt,
  };
}

function userRow(email: string, organizationSlug: string, role: Role, person: Person): Row<PortalUser> {
  return {
    id: userId(email),
    organizationId: orgId(organizationSlug),
    name: person.name,
    email,
    phone: person.phone,
    role,
    status: UserStatus.ACTIVE,
    consentGivenAt: T.consentGivenAt,
    consentWithdrawnAt: null,
    createdAt: T.userCreated,
  };
}

/** A deterministic PRNG (mulberry32) seeded from a hash, for the activation keys. */
function seededRandom(seed: string): (max: number) => number {
  let state = createHash('sha256').update(seed).digest().readUInt32BE(0);
  return (max: number) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(u * max);
  };
}

function activationKeyColumns(secrets: SecretBox, keyName: string) {
  const key = generateActivationKey(seededRandom(`activation-key:${keyName}`));
  const iv = createHash('sha256').update(`activation-key-iv:${keyName}`).digest().subarray(0, 12);
  return {
    activationKeyCipher: secrets.seal(key, iv),
    activationKeyDigest: secrets.digest(normalizeActivationKey(key)),
  };
}

function buildWorld(secrets: SecretBox): World {
  const w: World = {
    organization: [],
    customer_account: [],
    portal_user: [],
    product: [],
    license: [],
    computer: [],
    activation: [],
    contract: [],
  };

  // Vendor
  w.organization.push(orgRow(VENDOR, OrganizationKind.VENDOR, T.vendorCreated));
  for (const u of VENDOR_USERS) w.portal_user.push(userRow(u.email, VENDOR_SLUG, u.role, u));

  // Distributors, then customers (harbor last), then the links between them.
  for (const d of DISTRIBUTORS) {
    w.organization.push(orgRow(d, OrganizationKind.DISTRIBUTOR, T.distributorCreated));
    w.portal_user.push(userRow(PERSONAS.distributors[d.slug].admin, d.slug, Role.DISTRIBUTOR_ADMIN, d.admin));
    w.portal_user.push(userRow(PERSONAS.distributors[d.slug].user, d.slug, Role.DISTRIBUTOR_USER, d.user));
  }
  const customers = [...DISTRIBUTORS.flatMap((d) => d.customers), HARBOR_CUSTOMER];
  for (const c of customers) {
    w.organization.push(orgRow(c, OrganizationKind.CUSTOMER, T.customerCreated));
    w.portal_user.push(userRow(PERSONAS.customer(c.slug).admin, c.slug, Role.CUSTOMER_ADMIN, c.admin));
    w.portal_user.push(userRow(PERSONAS.customer(c.slug).user, c.slug, Role.CUSTOMER_USER, c.user));
    c.computers.forEach((pc, i) =>
      w.computer.push({
        id: computerId(c.slug, i + 1),
        organizationId: orgId(c.slug),
        name: pc.name,
        hostId: pc.hostId,
        os: pc.os,
        createdAt: T.computerCreated,
      }),
    );
  }
  const serve = (d: string, c: string) =>
    w.customer_account.push({
      id: seedId(`customer-account:${d}:${c}`),
      distributorId: orgId(d),
      customerId: orgId(c),
      createdAt: T.accountCreated,
    });
  for (const d of DISTRIBUTORS) for (const c of d.customers) serve(d.slug, c.slug);
  for (const d of HARBOR_DISTRIBUTORS) serve(d, HARBOR);

  for (const p of PRODUCTS) w.product.push({ id: productId(p.sku), ...p, createdAt: T.productCreated });

  for (const d of DISTRIBUTORS) {
    addLicenses(w, secrets, d);
    if (d.contract) {
      const c = d.contract;
      w.contract.push({
        id: contractId(d.slug),
        distributorId: orgId(d.slug),
        type: c.type,
        status: c.status,
        signedAt: c.signedAt ? at(c.signedAt) : null,
        effectiveFrom: at(c.effectiveFrom),
        expiresAt: c.expiresAt ? at(c.expiresAt) : null,
        terminatedAt: c.terminatedAt ? at(c.terminatedAt) : null,
        documentRef: c.documentRef,
        createdAt: at(c.signedAt ?? c.effectiveFrom),
      });
    }
  }
  return w;
}

/** The ten licenses of one distributor, laid out as {@link LICENSE_CASES} describes. */
function addLicenses(w: World, secrets: SecretBox, d: DistributorSpec): void {
  const [c1, c2] = d.customers.map((c) => c.slug);
  const spareTo = HARBOR_DISTRIBUTORS.includes(d.slug) ? HARBOR : c1;
  const vms = productId(PRODUCT_SKUS.vms);
  const analytics = productId(PRODUCT_SKUS.analytics);
  const cloud = productId(PRODUCT_SKUS.cloudRecording);

  const license = (n: number, fields: Row<License>) => {
    const keyName = `license:${d.slug}:${n}`;
    w.license.push({
      id: licenseId(d.slug, n),
      distributorId: orgId(d.slug),
      customerId: null,
      licenseeId: null,
      allocatedAt: null,
      revokedAt: null,
      revokeReason: null,
      lapsedAt: null,
      validUntil: null,
      ...activationKeyColumns(secrets, keyName),
      createdAt: T.licenseCreated,
      ...fields,
    });
  };
  const allocated = (customerSlug: string, validFrom = T.allocatedValidFrom, allocatedAt = T.allocatedAt): Row<License> => ({
    state: LicenseStatus.ALLOCATED,
    customerId: orgId(customerSlug),
    validFrom,
    allocatedAt,
  });
  const activate = (n: number, customerSlug: string, computer: 1 | 2, activatedAt: Date = T.activatedAt, deactivatedAt: Date | null = null) =>
    w.activation.push({
      id: seedId(`activation:${d.slug}:${n}:${computer}`),
      licenseId: licenseId(d.slug, n),
      computerId: computerId(customerSlug, computer),
      activatedAt,
      deactivatedAt,
      activatedById: userId(PERSONAS.customer(customerSlug).user),
    });

  // 1–4: still registered with the distributor.
  const registered = { state: LicenseStatus.REGISTERED, validFrom: T.registeredValidFrom } as const;
  license(1, { ...registered, productId: vms, seats: 4 });
  license(2, { ...registered, productId: vms, seats: 8 });
  license(3, { ...registered, productId: analytics, seats: 2, validUntil: T.subscriptionValidUntil });
  license(4, { ...registered, productId: cloud, seats: 1, validUntil: T.subscriptionValidUntil });

  // 5: the one with a licensee person.
  license(LICENSE_CASES.withLicensee, {
    ...allocated(c1),
    productId: vms,
    seats: 5,
    licenseeId: userId(PERSONAS.customer(c1).user),
  });
  activate(LICENSE_CASES.withLicensee, c1, 1);

  // 6: at its seat limit, active on both of c1's computers.
  license(LICENSE_CASES.atSeatLimit, { ...allocated(c1), productId: analytics, seats: 2, validUntil: T.subscriptionValidUntil });
  activate(LICENSE_CASES.atSeatLimit, c1, 1);
  activate(LICENSE_CASES.atSeatLimit, c1, 2);

  // 7: a subscription whose validity has ended: stored ALLOCATED, read as EXPIRED.
  license(LICENSE_CASES.expired, {
    ...allocated(c2, T.expiredValidFrom, T.expiredAllocatedAt),
    productId: cloud,
    seats: 2,
    validUntil: T.expiredValidUntil,
  });
  activate(LICENSE_CASES.expired, c2, 1, T.expiredActivatedAt);

  // 8: revoked; its activation ended at the instant of revocation.
  license(LICENSE_CASES.revoked, {
    ...allocated(c2),
    state: LicenseStatus.REVOKED,
    productId: vms,
    seats: 3,
    revokedAt: T.revokedAt,
    revokeReason: 'Order cancelled by the distributor; refund issued',
  });
  activate(LICENSE_CASES.revoked, c2, 2, T.activatedAt, T.revokedAt);

  // 9: activated on both of c2's computers, seats to spare.
  license(LICENSE_CASES.activated, { ...allocated(c2), productId: vms, seats: 4 });
  activate(LICENSE_CASES.activated, c2, 1);
  activate(LICENSE_CASES.activated, c2, 2);

  // 10: to c1, or to harbor for its two distributors (each on another harbor computer).
  license(LICENSE_CASES.spare, { ...allocated(spareTo), productId: cloud, seats: 2, validUntil: T.subscriptionValidUntil });
  if (spareTo === HARBOR) activate(LICENSE_CASES.spare, HARBOR, d.slug === 'rhein' ? 1 : 2);
}

// ---------------------------------------------------------------------------------------------
// Insert
// ---------------------------------------------------------------------------------------------

const CHUNK = 200;

async function insertIgnore<E extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<E>, rows: Row<E>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await em
      .createQueryBuilder()
      .insert()
      .into(entity)
      .values(rows.slice(i, i + CHUNK))
      .orIgnore()
      .updateEntity(false)
      .execute();
  }
}

/** In foreign-key order. */
const TABLES: [keyof World, EntityTarget<ObjectLiteral>][] = [
  ['organization', Organization],
  ['customer_account', CustomerAccount],
  ['portal_user', PortalUser],
  ['product', Product],
  ['license', License],
  ['computer', Computer],
  ['activation', Activation],
  ['contract', Contract],
];

/**
 * Seeds the scenario world; rows already present (same fixed id or unique key) are left as
 * they are, so a second run changes nothing. Returns the row count of each seeded table.
 */
export async function seedWorld(dataSource: DataSource, secrets: SecretBox): Promise<Record<string, number>> {
  const world = buildWorld(secrets);
  await dataSource.transaction(async (em) => {
    for (const [table, entity] of TABLES) await insertIgnore(em, entity, world[table]);
  });
  const counts: Record<string, number> = {};
  for (const [, entity] of TABLES) {
    const repo = dataSource.getRepository(entity);
    counts[repo.metadata.tableName] = await repo.count();
  }
  return counts;
}
