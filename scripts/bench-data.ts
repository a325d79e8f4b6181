import 'reflect-metadata';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { openDataSource } from '../ormconfig';
import { normalizeActivationKey } from '../src/common/activation-key';
import { ActorType, AuditOutcome, ContractStatus, ContractType, LicenseStatus, OrganizationKind, Role, UserStatus } from '../src/common/enums';
import { seedId } from '../src/common/ids';
import { SecretBox } from '../src/common/secret-box';
import { sqlDate } from '../src/common/sql';
import { syncJurisdictions } from '../src/modules/jurisdiction/jurisdiction.service';
import { organizationNameKey } from '../src/modules/organization/organization.entity';
import { PRODUCT_SKUS, productId } from '../seeds/personas';
import { seedWorld } from '../seeds/seed-world';

/**
 * The benchmark's data set (docs/benchmarks.md): `npm run bench:data [-- options]`.
 *
 * A database of its own (DATABASE_URL must name a database with "bench" in its name; default
 * mysql://root@127.0.0.1:3306/hub_bench), dropped and made afresh: the migrations, the
 * jurisdiction facts, the seed world, then 20 distributors of the benchmark, bulk-inserted with
 * multi-row INSERTs (2,000 rows a statement, one transaction per 20,000 rows of a table):
 *
 * - bench-de (DE: inside the EEA, no contract needed): the measured distributor. 2,000 customers,
 *   each with 3 users, 4 computers, 20 licenses and 0..4 activations per license on its computers;
 * - bench-in (IN, its SCC expired on 2025-01-01): the gated distributor, of the same shape;
 * - 18 more distributors of 200 customers each (10 licenses a customer), in other countries and
 *   with other transfer bases;
 * - audit_event filler (past reads of personal data) up to --total rows in all (1,000,000);
 * - the write customer of W1 (WRITES): a customer of bench-de with free 5-seat licenses.
 *
 * `--scale 0.1`: a tenth of the customers and rows, into hub_bench_100k (Q3 at two sizes);
 * `--sqlite DIR`: the same world in the embedded database DIR/hub.sqlite (DATABASE_URL ignored);
 * `--add-writes`: only the write customer, added to an existing data set (nothing dropped).
 *
 * Deterministic: a seeded PRNG (mulberry32), fixed dates, ids from seedId() (UUIDv7 format, the
 * millisecond part from the row's own fixed date), activation keys derived from the row's key.
 * The same options give the same rows, byte for byte, on every run and machine.
 */

export const DEFAULT_BENCH_DATABASE_URL = 'mysql://root@127.0.0.1:3306/hub_bench';
export const SMOKE_DATABASE = 'hub_bench_smoke';

/** The distributor measured, the gated one, and their dashboard users. */
export const BENCH = {
  measured: { slug: 'bench-de', admin: 'admin@bench-de.bench.example' },
  gated: { slug: 'bench-in', admin: 'admin@bench-in.bench.example' },
} as const;

/**
 * The write benchmark's customer (W1, W1c, W1r in docs/benchmarks.md): a customer of the
 * measured distributor whose name sorts after every other customer (so the read queries' pages
 * are the same with it), its admin (CUSTOMER_ADMIN: activates the customer's own licenses),
 * WRITE_LICENSES perpetual 5-seat ALLOCATED licenses with no activation (license n for
 * connection n of W1; the last one, WRITES.contended, for W1c and W1r) and WRITE_COMPUTERS
 * computers with known host ids (writesHostId(n)). No draw from the PRNG: the rest of the data set
 * is the same with or without it.
 */
export const WRITES = {
  key: 'bench-de:writes',
  admin: 'admin@writes.bench-de.bench.example',
  name: 'ZZ Bench Schreibtest GmbH',
  licenses: 33,
  seats: 5,
  computers: 80,
} as const;

const WRITES_CREATED = new Date('2024-03-01T07:00:00.000Z');
/** The raw id of write license n (0..WRITES.licenses-1; the last is the contended one). */
export const writesLicenseId = (n: number) => seedId(`bench:writes:license:${n}`, new Date(WRITES_CREATED.getTime() + n * 1000));
export const writesContendedLicenseId = () => writesLicenseId(WRITES.licenses - 1);
/** The host id of write computer n. */
export const writesHostId = (n: number) => `W1-HOST-${String(n).padStart(4, '0')}`;

/**
 * The benchmark's database: DATABASE_URL (or the default), or with --smoke the database
 * hub_bench_smoke on the same server. Refuses any database without "bench" in its name: this
 * script drops the database it is given.
 */
export function benchDatabaseUrl(env: NodeJS.ProcessEnv, smoke: boolean): string {
  const url = new URL(env.DATABASE_URL || DEFAULT_BENCH_DATABASE_URL);
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') throw new Error(`DATABASE_URL must be mysql:// or mariadb:// (got ${url.protocol})`);
  if (smoke) url.pathname = `/${SMOKE_DATABASE}`;
  const name = url.pathname.replace(/^\//, '');
  if (!/^[A-Za-z0-9_]+$/.test(name) || !name.toLowerCase().includes('bench')) {
    throw new Error(`DATABASE_URL must name a database of the benchmark's own, with "bench" in its name (got "${name || '(none)'}"): it is dropped and made afresh`);
  }
  return url.toString();
}

export interface DataOptions {
  /** Customers of each of the two large distributors (measured and gated). */
  customers: number;
  /** Customers of each of the other distributors. */
  smallCustomers: number;
  /** Distributors of the benchmark in all (the two large ones included). */
  distributors: number;
  usersPerCustomer: number;
  computersPerCustomer: number;
  licensesPerCustomer: number;
  smallLicensesPerCustomer: number;
  maxActivations: number;
  /** Rows in all to reach with audit_event filler (0: no filler). */
  total: number;
}

export const FULL_DATA: DataOptions = {
  customers: 2000,
  smallCustomers: 200,
  distributors: 20,
  usersPerCustomer: 3,
  computersPerCustomer: 4,
  licensesPerCustomer: 20,
  smallLicensesPerCustomer: 10,
  maxActivations: 4,
  total: 1_000_000,
};

export const SMOKE_DATA: DataOptions = { ...FULL_DATA, customers: 50, smallCustomers: 3, distributors: 4, total: 0 };

// ---------------------------------------------------------------------------------------------
// Determinism: PRNG, dates, ids
// ---------------------------------------------------------------------------------------------

/** mulberry32: a small, fast, seeded PRNG; the whole data set draws from one stream. */
function prng(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const utc = (iso: string) => new Date(`${iso}Z`);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const DATES = {
  distributorCreated: utc('2024-02-01T08:00:00.000'),
  customersFrom: utc('2024-03-01T08:00:00.000'),
  consentGiven: utc('2024-03-15T09:00:00.000'),
  licensesFrom: utc('2025-01-15T00:00:00.000'),
  allocated: utc('2025-01-20T10:00:00.000'),
  activationsFrom: utc('2025-02-01T08:00:00.000'),
  deactivated: utc('2025-06-01T12:00:00.000'),
  revoked: utc('2025-05-15T12:00:00.000'),
  /** Subscriptions that ended (read as EXPIRED) and those that run on. */
  ended: utc('2025-06-30T00:00:00.000'),
  runsUntil: utc('2030-12-31T00:00:00.000'),
  auditFrom: utc('2025-01-01T00:00:00.000'),
} as const;

// ---------------------------------------------------------------------------------------------
// The distributors
// ---------------------------------------------------------------------------------------------

interface ContractSpec {
  type: ContractType;
  status: ContractStatus;
  signedAt: Date | null;
  effectiveFrom: Date;
  expiresAt: Date | null;
  terminatedAt: Date | null;
}

interface DistributorSpec {
  slug: string;
  name: string;
  country: string;
  processingCountries: string[];
  large: boolean;
  contract: ContractSpec | null;
  cities: string[];
  phone: string;
}

const signed = (type: ContractType, from: string, ends: Partial<Pick<ContractSpec, 'expiresAt' | 'terminatedAt'>> = {}): ContractSpec => ({
  type,
  status: ends.terminatedAt ? ContractStatus.TERMINATED : ContractStatus.SIGNED,
  signedAt: utc(`${from}T00:00:00.000`),
  effectiveFrom: utc(`${from}T00:00:00.000`),
  expiresAt: ends.expiresAt ?? null,
  terminatedAt: ends.terminatedAt ?? null,
});

// A table laid out by hand, one distributor a row (kept so by prettier-ignore).
// prettier-ignore
const ALL_DISTRIBUTORS: DistributorSpec[] = [
  { slug: BENCH.measured.slug, name: 'Bench Sicherheitstechnik Deutschland GmbH', country: 'DE', processingCountries: ['DE'], large: true, contract: null, cities: ['Berlin', 'München', 'Köln', 'Düsseldorf', 'Nürnberg', 'Münster'], phone: '+49 30' },
  {
    slug: BENCH.gated.slug, name: 'Bench CCTV India Pvt Ltd', country: 'IN', processingCountries: ['IN'], large: true,
    contract: signed(ContractType.SCC_2021, '2022-01-10', { expiresAt: utc('2025-01-01T00:00:00.000') }),
    cities: ['Mumbai', 'Pune', 'Bengaluru', 'Chennai', 'Hyderabad', 'Kolkata'], phone: '+91 22',
  },
  { slug: 'bench-fr', name: 'Bench Vidéosurveillance France SAS', country: 'FR', processingCountries: ['FR'], large: false, contract: null, cities: ['Paris', 'Lyon', 'Marseille'], phone: '+33 1' },
  { slug: 'bench-us', name: 'Bench Surveillance USA Inc.', country: 'US', processingCountries: ['US'], large: false, contract: signed(ContractType.DPF_CERTIFICATION, '2024-01-01', { expiresAt: utc('2099-01-01T00:00:00.000') }), cities: ['Austin', 'Denver', 'Boston'], phone: '+1 512' },
  { slug: 'bench-nl', name: 'Bench Beveiliging Nederland BV', country: 'NL', processingCountries: ['NL'], large: false, contract: null, cities: ['Rotterdam', 'Utrecht', 'Den Haag'], phone: '+31 10' },
  { slug: 'bench-ch', name: 'Bench Video Schweiz AG', country: 'CH', processingCountries: ['CH'], large: false, contract: null, cities: ['Zürich', 'Genève', 'Bern'], phone: '+41 44' },
  { slug: 'bench-br', name: 'Bench Vigilância Brasil Ltda', country: 'BR', processingCountries: ['BR'], large: false, contract: signed(ContractType.SCC_2021, '2023-05-01'), cities: ['São Paulo', 'Curitiba', 'Recife'], phone: '+55 11' },
  { slug: 'bench-sg', name: 'Bench Integrators Singapore Pte Ltd', country: 'SG', processingCountries: ['SG'], large: false, contract: signed(ContractType.DPA, '2024-06-01'), cities: ['Singapore'], phone: '+65 6' },
  { slug: 'bench-at', name: 'Bench Sicherheit Österreich GmbH', country: 'AT', processingCountries: ['AT'], large: false, contract: null, cities: ['Wien', 'Graz', 'Linz'], phone: '+43 1' },
  { slug: 'bench-jp', name: 'Bench Security Japan KK', country: 'JP', processingCountries: ['JP'], large: false, contract: null, cities: ['Tokyo', 'Osaka'], phone: '+81 3' },
  { slug: 'bench-gb', name: 'Bench CCTV United Kingdom Ltd', country: 'GB', processingCountries: ['GB'], large: false, contract: null, cities: ['London', 'Leeds', 'Bristol'], phone: '+44 20' },
  { slug: 'bench-tr', name: 'Bench Güvenlik Türkiye A.Ş.', country: 'TR', processingCountries: ['TR'], large: false, contract: signed(ContractType.SCC_2010, '2019-04-01'), cities: ['İstanbul', 'İzmir'], phone: '+90 212' },
  { slug: 'bench-es', name: 'Bench Seguridad España SL', country: 'ES', processingCountries: ['ES'], large: false, contract: null, cities: ['Madrid', 'Sevilla', 'Málaga'], phone: '+34 91' },
  { slug: 'bench-cl', name: 'Bench Seguridad Chile SpA', country: 'CL', processingCountries: ['CL'], large: false, contract: signed(ContractType.SCC_2021, '2023-01-01', { terminatedAt: utc('2024-09-30T00:00:00.000') }), cities: ['Santiago', 'Valparaíso'], phone: '+56 2' },
  { slug: 'bench-it', name: 'Bench Sicurezza Italia Srl', country: 'IT', processingCountries: ['IT'], large: false, contract: null, cities: ['Milano', 'Torino', 'Napoli'], phone: '+39 02' },
  { slug: 'bench-pl', name: 'Bench Ochrona Polska Sp. z o.o.', country: 'PL', processingCountries: ['PL'], large: false, contract: null, cities: ['Warszawa', 'Kraków', 'Łódź'], phone: '+48 22' },
  { slug: 'bench-ae', name: 'Bench Vision Emirates FZE', country: 'AE', processingCountries: ['AE'], large: false, contract: { ...signed(ContractType.SCC_2021, '2025-01-01'), status: ContractStatus.DRAFT, signedAt: null }, cities: ['Dubai', 'Abu Dhabi'], phone: '+971 4' },
  { slug: 'bench-se', name: 'Bench Säkerhet Sverige AB', country: 'SE', processingCountries: ['SE'], large: false, contract: null, cities: ['Stockholm', 'Göteborg', 'Malmö'], phone: '+46 8' },
  { slug: 'bench-no', name: 'Bench Sikkerhet Norge AS', country: 'NO', processingCountries: ['NO', 'US'], large: false, contract: null, cities: ['Oslo', 'Bergen'], phone: '+47 22' },
  { slug: 'bench-ca', name: 'Bench Security Canada Ltd', country: 'CA', processingCountries: ['CA'], large: false, contract: null, cities: ['Toronto', 'Montréal', 'Québec'], phone: '+1 416' },
];

// Word lists: accents on purpose (the name key folds them; the order is the folded, binary one).
const NAME_HEADS = [
  'Nord',
  'Süd',
  'Ost',
  'West',
  'Rhein',
  'Main',
  'Alpen',
  'Küsten',
  'Hafen',
  'Stadt',
  'Land',
  'Berg',
  'Tal',
  'Wald',
  'See',
  'Brücken',
  'Markt',
  'Ring',
  'Park',
  'Turm',
  'Élan',
  'Öko',
  'Über',
  'Zentral',
  'Äquator',
  'Ålesund',
  'Isar',
  'Elb',
  'Oder',
  'Donau',
];
const NAME_CORES = [
  'logistik',
  'handel',
  'parkhaus',
  'klinik',
  'schule',
  'hotel',
  'bau',
  'energie',
  'wasser',
  'bahn',
  'lager',
  'werk',
  'bäckerei',
  'brauerei',
  'verkehr',
  'museum',
  'stadion',
  'apotheke',
  'galerie',
  'zentrum',
];
const NAME_FORMS = ['GmbH', 'AG', 'KG', 'GmbH & Co. KG', 'e.K.', 'SE', 'OHG', 'UG', 'S.A.', 'Ltd'];
const FIRST_NAMES = [
  'Anna',
  'Jürgen',
  'Zoë',
  'Łukasz',
  'Émile',
  'Søren',
  'Ana',
  'Björn',
  'Chloé',
  'Dāvis',
  'Élodie',
  'Françoise',
  'Gökhan',
  'Håkon',
  'Inès',
  'José',
  'Kübra',
  'Leoš',
  'Mónica',
  'Nuño',
  'Olga',
  'Pål',
  'Renée',
  'Şebnem',
  'Tomáš',
  'Uwe',
  'Vítor',
  'Wiebke',
  'Xénia',
  'Yusuf',
  'Priya',
  'Arjun',
];
const LAST_NAMES = [
  'Müller',
  'Schröder',
  'Nováková',
  'García',
  'Øster',
  'Çelik',
  'Dubois',
  'Kowalski',
  'Rossi',
  'Jansen',
  'Lindqvist',
  'Papadopoulos',
  'Horváth',
  'Sánchez',
  'Weiß',
  'Kühn',
  'Fernández',
  'Nagy',
  'Mehta',
  'Iyer',
  'O\u2019Brien',
  'Van der Berg',
  'Dąbrowski',
  'Šimić',
];
const OS = ['Windows Server 2022', 'Ubuntu 24.04 LTS', 'Windows 11 Pro', 'Debian 12'];
const COMPUTER_ROLES = ['VMS', 'REC', 'NVR', 'WS', 'GW', 'AI'];
const PRODUCTS = [
  { id: productId(PRODUCT_SKUS.vms), subscription: false },
  { id: productId(PRODUCT_SKUS.analytics), subscription: true },
  { id: productId(PRODUCT_SKUS.cloudRecording), subscription: true },
];
const KEY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHECK_ALPHABET = KEY_ALPHABET + '*~$=U';

/** A well-formed activation key (src/common/activation-key.ts) derived from the license's key. */
function activationKey(name: string): string {
  const bytes = createHash('sha256').update(`bench-activation-key:${name}`).digest();
  let body = '';
  for (let i = 0; i < 19; i++) body += KEY_ALPHABET[bytes[i] % 32];
  let sum = 0;
  for (const c of body) sum = (sum * 32 + KEY_ALPHABET.indexOf(c)) % 37;
  return (body + CHECK_ALPHABET[sum]).match(/.{1,5}/g)!.join('-');
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

type Row = Record<string, unknown>;

interface Batch {
  organization: Row[];
  customer_account: Row[];
  portal_user: Row[];
  computer: Row[];
  license: Row[];
  activation: Row[];
  contract: Row[];
}

const emptyBatch = (): Batch => ({ organization: [], customer_account: [], portal_user: [], computer: [], license: [], activation: [], contract: [] });

/** Foreign-key order. */
const TABLE_ORDER: (keyof Batch)[] = ['organization', 'customer_account', 'portal_user', 'contract', 'computer', 'license', 'activation'];

class Generator {
  private readonly random = prng('hub-bench-v1');
  /** Users of the customers, for the audit filler's subjects. */
  readonly customerUsers: { id: string; distributorId: string; actorId: string }[] = [];
  readonly distributorAdmins = new Map<string, string>();

  constructor(
    private readonly options: DataOptions,
    private readonly secrets: SecretBox,
  ) {}

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)];
  }

  private int(max: number): number {
    return Math.floor(this.random() * max);
  }

  private digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(10));
    return s;
  }

  distributor(d: DistributorSpec): Batch {
    const b = emptyBatch();
    const at = DATES.distributorCreated;
    const id = seedId(`bench:org:${d.slug}`, at);
    b.organization.push({
      id,
      kind: OrganizationKind.DISTRIBUTOR,
      name: d.name,
      nameKey: organizationNameKey(d.name),
      country: d.country,
      processingCountries: d.processingCountries,
      street: 'Hauptstraße 1',
      postalCode: '10115',
      city: d.cities[0],
      addressCountry: d.country,
      phone: `${d.phone} 5550-0`,
      email: `info@${d.slug}.bench.example`,
      createdAt: at,
    });
    for (const [local, role] of [
      ['admin', Role.DISTRIBUTOR_ADMIN],
      ['user', Role.DISTRIBUTOR_USER],
    ] as const) {
      const email = `${local}@${d.slug}.bench.example`;
      const userId = seedId(`bench:user:${email}`, at);
      if (role === Role.DISTRIBUTOR_ADMIN) this.distributorAdmins.set(id, userId);
      b.portal_user.push({
        id: userId,
        organizationId: id,
        name: `${this.pick(FIRST_NAMES)} ${this.pick(LAST_NAMES)}`,
        email,
        phone: `${d.phone} 5550-${local === 'admin' ? 11 : 12}`,
        role,
        status: UserStatus.ACTIVE,
        consentGivenAt: DATES.consentGiven,
        consentWithdrawnAt: null,
        createdAt: at,
      });
    }
    if (d.contract) {
      const c = d.contract;
      b.contract.push({
        id: seedId(`bench:contract:${d.slug}`, c.effectiveFrom),
        distributorId: id,
        type: c.type,
        status: c.status,
        signedAt: c.signedAt,
        effectiveFrom: c.effectiveFrom,
        expiresAt: c.expiresAt,
        terminatedAt: c.terminatedAt,
        documentRef: `C-${d.slug.toUpperCase()}-${c.effectiveFrom.getUTCFullYear()}`,
        createdAt: c.signedAt ?? c.effectiveFrom,
      });
    }
    return b;
  }

  /** Customers [from, to) of a distributor, with their users, computers, licenses and activations. */
  customers(d: DistributorSpec, from: number, to: number): Batch {
    const b = emptyBatch();
    const o = this.options;
    const distributorId = seedId(`bench:org:${d.slug}`, DATES.distributorCreated);
    const licenses = d.large ? o.licensesPerCustomer : o.smallLicensesPerCustomer;
    for (let c = from; c < to; c++) {
      const key = `${d.slug}:${c}`;
      const created = plus(DATES.customersFrom, c * MINUTE);
      const id = seedId(`bench:org:${key}`, created);
      const name = `${this.pick(NAME_HEADS)}${this.pick(NAME_CORES)} ${this.pick(d.cities)} ${this.pick(NAME_FORMS)}`;
      const city = this.pick(d.cities);
      b.organization.push({
        id,
        kind: OrganizationKind.CUSTOMER,
        name,
        nameKey: organizationNameKey(name),
        country: d.country,
        processingCountries: [d.country],
        street: `${this.pick(NAME_HEADS)}straße ${1 + this.int(200)}`,
        postalCode: this.digits(5),
        city,
        addressCountry: d.country,
        phone: `${d.phone} ${this.digits(7)}`,
        email: `office@c${c}.${d.slug}.bench.example`,
        createdAt: created,
      });
      b.customer_account.push({ id: seedId(`bench:ca:${key}`, created), distributorId, customerId: id, createdAt: plus(created, 30 * MINUTE) });

      const users: string[] = [];
      for (let u = 0; u < o.usersPerCustomer; u++) {
        const email = `u${u}.c${c}@${d.slug}.bench.example`;
        const userCreated = plus(created, (u + 1) * MINUTE);
        const uid = seedId(`bench:user:${email}`, userCreated);
        users.push(uid);
        this.customerUsers.push({ id: uid, distributorId, actorId: this.distributorAdmins.get(distributorId)! });
        b.portal_user.push({
          id: uid,
          organizationId: id,
          name: `${this.pick(FIRST_NAMES)} ${this.pick(LAST_NAMES)}`,
          email,
          phone: `${d.phone} ${this.digits(7)}`,
          role: u === 0 ? Role.CUSTOMER_ADMIN : Role.CUSTOMER_USER,
          status: UserStatus.ACTIVE,
          consentGivenAt: DATES.consentGiven,
          consentWithdrawnAt: null,
          createdAt: userCreated,
        });
      }

      const computers: string[] = [];
      const prefix = name
        .replace(/[^A-Za-z]/g, '')
        .slice(0, 3)
        .toUpperCase();
      for (let k = 0; k < o.computersPerCustomer; k++) {
        const computerCreated = plus(created, (10 + k) * MINUTE);
        const cid = seedId(`bench:computer:${key}:${k}`, computerCreated);
        computers.push(cid);
        const host = createHash('sha256').update(`bench-host:${key}:${k}`).digest('hex').toUpperCase();
        b.computer.push({
          id: cid,
          organizationId: id,
          name: `${prefix}-${COMPUTER_ROLES[k % COMPUTER_ROLES.length]}-${String(k + 1).padStart(2, '0')}`,
          hostId: `${host.slice(0, 4)}-${host.slice(4, 8)}-${host.slice(8, 12)}-${host.slice(12, 16)}`,
          os: this.pick(OS),
          createdAt: computerCreated,
        });
      }

      for (let l = 0; l < licenses; l++) {
        const lkey = `${key}:${l}`;
        const licenseCreated = plus(DATES.licensesFrom, c * MINUTE + l * 1000);
        const lid = seedId(`bench:license:${lkey}`, licenseCreated);
        const product = this.pick(PRODUCTS);
        const revoked = this.random() < 0.05;
        const validUntil = product.subscription ? (this.random() < 0.2 ? DATES.ended : DATES.runsUntil) : null;
        // 0..maxActivations activations, skewed up: most licenses are in use.
        const wanted = Math.min(o.maxActivations, Math.floor(Math.sqrt(this.random()) * (o.maxActivations + 1)));
        const start = this.int(computers.length);
        let active = 0;
        for (let a = 0; a < wanted && a < computers.length; a++) {
          const activatedAt = plus(DATES.activationsFrom, c * HOUR + l * MINUTE + a * 1000);
          const deactivatedAt = revoked ? DATES.revoked : this.random() < 0.1 ? DATES.deactivated : null;
          if (!deactivatedAt) active++;
          b.activation.push({
            id: seedId(`bench:activation:${lkey}:${a}`, activatedAt),
            licenseId: lid,
            computerId: computers[(start + a) % computers.length],
            activatedAt,
            deactivatedAt,
            activatedById: users[(l + a) % users.length],
          });
        }
        const key20 = activationKey(lkey);
        const iv = createHash('sha256').update(`bench-activation-key-iv:${lkey}`).digest().subarray(0, 12);
        b.license.push({
          id: lid,
          productId: product.id,
          seats: Math.max(active, this.pick([2, 4, 5, 8, 10])),
          state: revoked ? LicenseStatus.REVOKED : LicenseStatus.ALLOCATED,
          validFrom: licenseCreated,
          validUntil,
          distributorId,
          customerId: id,
          licenseeId: this.random() < 0.1 ? users[0] : null,
          activationKeyCipher: this.secrets.seal(key20, iv),
          activationKeyDigest: this.secrets.digest(normalizeActivationKey(key20)),
          allocatedAt: DATES.allocated,
          revokedAt: revoked ? DATES.revoked : null,
          revokeReason: revoked ? 'Order cancelled by the distributor' : null,
          lapsedAt: null,
          createdAt: licenseCreated,
        });
      }
    }
    return b;
  }

  /** The write benchmark's customer (WRITES), its admin, computers and free licenses. */
  writes(): Batch {
    const b = emptyBatch();
    const at = WRITES_CREATED;
    const distributorId = seedId(`bench:org:${BENCH.measured.slug}`, DATES.distributorCreated);
    const id = seedId(`bench:org:${WRITES.key}`, at);
    b.organization.push({
      id,
      kind: OrganizationKind.CUSTOMER,
      name: WRITES.name,
      nameKey: organizationNameKey(WRITES.name),
      country: 'DE',
      processingCountries: ['DE'],
      street: 'Schreibweg 1',
      postalCode: '10115',
      city: 'Berlin',
      addressCountry: 'DE',
      phone: '+49 30 5551000',
      email: 'office@writes.bench-de.bench.example',
      createdAt: at,
    });
    b.customer_account.push({ id: seedId(`bench:ca:${WRITES.key}`, at), distributorId, customerId: id, createdAt: at });
    b.portal_user.push({
      id: seedId(`bench:user:${WRITES.admin}`, at),
      organizationId: id,
      name: 'Wera Schreiber',
      email: WRITES.admin,
      phone: '+49 30 5551001',
      role: Role.CUSTOMER_ADMIN,
      status: UserStatus.ACTIVE,
      consentGivenAt: DATES.consentGiven,
      consentWithdrawnAt: null,
      createdAt: at,
    });
    for (let k = 0; k < WRITES.computers; k++) {
      b.computer.push({ id: seedId(`bench:writes:computer:${k}`, at), organizationId: id, name: `W1-PC-${k}`, hostId: writesHostId(k), os: OS[k % OS.length], createdAt: at });
    }
    for (let n = 0; n < WRITES.licenses; n++) {
      const lkey = `${WRITES.key}:${n}`;
      const key20 = activationKey(lkey);
      const iv = createHash('sha256').update(`bench-activation-key-iv:${lkey}`).digest().subarray(0, 12);
      const created = new Date(at.getTime() + n * 1000);
      b.license.push({
        id: writesLicenseId(n),
        productId: PRODUCTS[0].id,
        seats: WRITES.seats,
        state: LicenseStatus.ALLOCATED,
        validFrom: created,
        validUntil: null,
        distributorId,
        customerId: id,
        licenseeId: null,
        activationKeyCipher: this.secrets.seal(key20, iv),
        activationKeyDigest: this.secrets.digest(normalizeActivationKey(key20)),
        allocatedAt: DATES.allocated,
        revokedAt: null,
        revokeReason: null,
        lapsedAt: null,
        createdAt: created,
      });
    }
    return b;
  }

  /** Past reads of customers' personal data by their distributors, as the hub records them. */
  auditFiller(from: number, to: number): Row[] {
    const rows: Row[] = [];
    const users = this.customerUsers;
    for (let n = from; n < to; n++) {
      const subject = users[this.int(users.length)];
      const at = plus(DATES.auditFrom, n * 30_000);
      rows.push({
        id: seedId(`bench:audit:${n}`, at),
        at,
        requestId: `bench-history-${Math.floor(n / 150)}`,
        actorType: ActorType.USER,
        actorId: subject.actorId,
        actorOrganizationId: subject.distributorId,
        action: 'personal_data.read',
        subjectType: 'PortalUser',
        subjectId: subject.id,
        fields: ['PortalUser.email', 'PortalUser.name'],
        purpose: 'LICENSE_MANAGEMENT',
        outcome: AuditOutcome.ALLOWED,
        detail: null,
      });
    }
    return rows;
  }
}

// ---------------------------------------------------------------------------------------------
// Bulk insert
// ---------------------------------------------------------------------------------------------

const ROWS_PER_STATEMENT = 2000;
const ROWS_PER_TRANSACTION = 20_000;

/** Multi-row INSERTs, columns from the entity metadata, one transaction per 20,000 rows. */
async function insert(ds: DataSource, table: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const meta = ds.entityMetadatas.find((m) => m.tableName === table);
  if (!meta) throw new Error(`no entity for table ${table}`);
  // A column the rows leave out and that has a constant default (license.seatVersion) is left to the database.
  const columns = meta.columns.filter((c) => rows[0][c.propertyName] !== undefined || (!c.isNullable && (c.default === undefined || typeof c.default === 'function')));
  const names = columns.map((c) => `\`${c.databaseName}\``).join(', ');
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  // SQLite binds at most 32,766 parameters a statement: fewer rows a statement there.
  const perStatement = ds.options.type === 'better-sqlite3' ? Math.min(ROWS_PER_STATEMENT, Math.floor(32_000 / columns.length)) : ROWS_PER_STATEMENT;
  const value = (v: unknown) => (v instanceof Date ? sqlDate(v) : Array.isArray(v) ? v.join(',') : v === undefined ? null : v);
  for (let t = 0; t < rows.length; t += ROWS_PER_TRANSACTION) {
    const runner = ds.createQueryRunner();
    try {
      await runner.startTransaction();
      const chunk = rows.slice(t, t + ROWS_PER_TRANSACTION);
      for (let s = 0; s < chunk.length; s += perStatement) {
        const part = chunk.slice(s, s + perStatement);
        const params: unknown[] = [];
        // updatedAt is the database's (on every later write); a row made here gets its creation
        // instant (an activation: its activation), so the data set stays the same byte for byte.
        for (const r of part) for (const c of columns) params.push(value(c.propertyName === 'updatedAt' && r.updatedAt === undefined ? (r.createdAt ?? r.activatedAt) : r[c.propertyName]));
        await runner.query(`INSERT INTO \`${table}\` (${names}) VALUES ${part.map(() => tuple).join(', ')}`, params);
      }
      await runner.commitTransaction();
    } catch (e) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw e;
    } finally {
      await runner.release();
    }
  }
}

async function insertBatch(ds: DataSource, batch: Batch): Promise<void> {
  for (const table of TABLE_ORDER) await insert(ds, table, batch[table]);
}

/** Drops and recreates the database of the URL (only a "bench" database: see benchDatabaseUrl). */
async function recreateDatabase(databaseUrl: string): Promise<void> {
  const { createConnection } = await import('mysql2/promise');
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  const name = url.pathname.replace(/^\//, '');
  url.pathname = '/';
  const conn = await createConnection({ uri: url.toString() });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

export interface DataReport {
  databaseUrl: string;
  counts: Record<string, number>;
  total: number;
  filler: number;
  seconds: number;
}

/**
 * The key the benchmark's data set is sealed with: SECRETS_KEY, or one for this generated,
 * throw-away data set only (hub_bench holds no real data; no hub command uses this key).
 */
export function benchSecretsKey(): string {
  return process.env.SECRETS_KEY || 'bench-data-set-only-key-0123456789abcdef';
}

/**
 * --add-writes: the write customer (WRITES) added to an existing data set made before it
 * existed, without dropping anything else: its rows (and the activations, audit and outbox rows
 * of earlier write runs on its licenses) deleted if present, then inserted as buildBenchData()
 * inserts them. The read queries' pages do not change (its name sorts last).
 */
export async function addWrites(databaseUrl: string, log: (line: string) => void = () => undefined): Promise<void> {
  const ds = await openDataSource({ ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'development', SEED_ON_FIRST_START: 'false' });
  try {
    const gen = new Generator(FULL_DATA, new SecretBox(benchSecretsKey()));
    const batch = gen.writes();
    const org = batch.organization[0].id as string;
    const licenses = batch.license.map((l) => l.id as string);
    await ds.transaction(async (m) => {
      const marks = licenses.map(() => '?').join(', ');
      const activations = await m.query<{ id: string }[]>(`SELECT id FROM \`activation\` WHERE licenseId IN (${marks})`, licenses);
      const ids = activations.map((a) => a.id);
      for (let i = 0; i < ids.length; i += 1000) {
        const part = ids.slice(i, i + 1000);
        const pm = part.map(() => '?').join(', ');
        await m.query(`DELETE FROM \`hub_event\` WHERE subjectId IN (${pm})`, part);
        await m.query(`DELETE FROM \`audit_event\` WHERE subjectId IN (${pm})`, part);
      }
      await m.query(`DELETE FROM \`activation\` WHERE licenseId IN (${marks})`, licenses);
      await m.query(`DELETE FROM \`license\` WHERE id IN (${marks})`, licenses);
      for (const table of ['computer', 'portal_user']) await m.query(`DELETE FROM \`${table}\` WHERE organizationId = ?`, [org]);
      await m.query('DELETE FROM `customer_account` WHERE customerId = ?', [org]);
      await m.query('DELETE FROM `organization` WHERE id = ?', [org]);
    });
    await insertBatch(ds, batch);
    log(`the write customer ${WRITES.admin}: ${batch.license.length} licenses, ${batch.computer.length} computers (added)`);
  } finally {
    await ds.destroy();
  }
}

/** Builds the data set; returns the row counts per table. */
export async function buildBenchData(databaseUrl: string, options: DataOptions, log: (line: string) => void = () => undefined): Promise<DataReport> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  // A directory instead of a URL: the embedded database (SQLite), DATA_DIR/hub.sqlite made afresh.
  const sqlite = !/^(mysql|mariadb):/.test(databaseUrl);
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'development', SEED_ON_FIRST_START: 'false' };
  if (sqlite) {
    for (const f of ['hub.sqlite', 'hub.sqlite-wal', 'hub.sqlite-shm']) fs.rmSync(path.join(databaseUrl, f), { force: true });
    delete env.DATABASE_URL;
    env.DATA_DIR = databaseUrl;
  } else {
    await recreateDatabase(databaseUrl);
  }
  // SECRETS_KEY if set, else the benchmark's own key: `npm run bench` gives the hub the same one.
  const secrets = new SecretBox(benchSecretsKey());
  const ds = await openDataSource(env);
  try {
    await ds.runMigrations({ transaction: 'each' });
    await syncJurisdictions(ds);
    await seedWorld(ds, secrets);
    log(`migrated, jurisdictions and the seed world loaded (${elapsed()})`);

    const gen = new Generator(options, secrets);
    const distributors = ALL_DISTRIBUTORS.slice(0, Math.max(2, Math.min(options.distributors, ALL_DISTRIBUTORS.length)));
    for (const d of distributors) await insertBatch(ds, gen.distributor(d));
    const step = 250;
    for (const d of distributors) {
      const n = d.large ? options.customers : options.smallCustomers;
      for (let from = 0; from < n; from += step) await insertBatch(ds, gen.customers(d, from, Math.min(n, from + step)));
      log(`${d.slug}: ${n} customers (${elapsed()})`);
    }
    await insertBatch(ds, gen.writes());

    const count = async () => {
      const tables = ds.entityMetadatas.map((m) => m.tableName).sort();
      const counts: Record<string, number> = {};
      for (const t of tables) counts[t] = Number((await ds.query<{ n: number | string }[]>(`SELECT COUNT(*) AS n FROM \`${t}\``))[0].n);
      return counts;
    };
    let counts = await count();
    const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    const filler = Math.max(0, options.total - sum(counts));
    for (let from = 0; from < filler; from += 50_000) await insert(ds, 'audit_event', gen.auditFiller(from, Math.min(filler, from + 50_000)));
    if (filler) log(`audit_event filler: ${filler} rows (${elapsed()})`);

    // Fresh index statistics, so that the plans do not depend on when InnoDB samples them.
    if (sqlite) await ds.query('ANALYZE');
    else for (const t of Object.keys(counts)) await ds.query(`ANALYZE TABLE \`${t}\``);
    counts = await count();
    return { databaseUrl: databaseUrl.replace(/\/\/[^@/]*@/, '//***@'), counts, total: sum(counts), filler, seconds: (Date.now() - started) / 1000 };
  } finally {
    await ds.destroy();
  }
}

/**
 * --scale F: every count of customers and the rows in all multiplied by F (at least one
 * customer each), into the database named after the rows in all: with F = 0.1 and the default
 * database, hub_bench_100k (Q3 at 100k rows beside 1M: `npm run bench -- --scale-database hub_bench_100k`).
 */
export function scaledDatabaseUrl(databaseUrl: string, total: number): string {
  const url = new URL(databaseUrl);
  url.pathname = `${url.pathname}_${total >= 1_000_000 ? `${Math.round(total / 1_000_000)}m` : `${Math.round(total / 1000)}k`}`;
  return url.toString();
}

function parseOptions(argv: string[]): { smoke: boolean; options: DataOptions; scale: number | null; sqlite: string | null } {
  const smoke = argv.includes('--smoke');
  const options = { ...(smoke ? SMOKE_DATA : FULL_DATA) };
  const flags: Record<string, keyof DataOptions> = {
    '--customers': 'customers',
    '--small-customers': 'smallCustomers',
    '--distributors': 'distributors',
    '--users': 'usersPerCustomer',
    '--computers': 'computersPerCustomer',
    '--licenses': 'licensesPerCustomer',
    '--small-licenses': 'smallLicensesPerCustomer',
    '--max-activations': 'maxActivations',
    '--total': 'total',
  };
  let scale: number | null = null;
  let sqlite: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sqlite') {
      sqlite = path.resolve(argv[++i] ?? '');
      if (!/bench/i.test(path.basename(sqlite))) throw new Error('--sqlite needs a directory with "bench" in its name (its hub.sqlite is deleted and made afresh), e.g. data-bench');
      continue;
    }
    if (argv[i] === '--scale') {
      scale = Number(argv[++i]);
      if (!(scale > 0 && scale < 1)) throw new Error('--scale needs a factor between 0 and 1 (0.1: a tenth of the rows)');
      continue;
    }
    const key = flags[argv[i]];
    if (!key) {
      if (argv[i] !== '--smoke') throw new Error(`unknown option ${argv[i]} (known: --smoke --scale --sqlite ${Object.keys(flags).join(' ')})`);
      continue;
    }
    const n = Number(argv[++i]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${argv[i - 1]} needs a non-negative integer`);
    options[key] = n;
  }
  if (scale !== null) {
    for (const key of ['customers', 'smallCustomers', 'total'] as const) options[key] = Math.max(key === 'total' ? 0 : 1, Math.round(options[key] * scale));
  }
  if (options.computersPerCustomer < 1 || options.usersPerCustomer < 1) throw new Error('--computers and --users must be at least 1');
  return { smoke, options, scale, sqlite };
}

async function main(): Promise<void> {
  if (process.argv.includes('--add-writes')) {
    const url = benchDatabaseUrl(process.env, process.argv.includes('--smoke'));
    process.stdout.write(`bench:data --add-writes → ${url.replace(/\/\/[^@/]*@/, '//***@')}\n`);
    return addWrites(url, (line) => process.stdout.write(`${line}\n`));
  }
  const { smoke, options, scale, sqlite } = parseOptions(process.argv.slice(2));
  const base = benchDatabaseUrl(process.env, smoke);
  // --sqlite DIR: the same world in the embedded database DIR/hub.sqlite (DATABASE_URL ignored).
  const databaseUrl = sqlite ?? (scale === null ? base : benchDatabaseUrl({ DATABASE_URL: scaledDatabaseUrl(base, options.total) }, false));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`bench:data → ${databaseUrl.replace(/\/\/[^@/]*@/, '//***@')} (dropped and made afresh)`);
  out(`options: ${JSON.stringify(options)}`);
  const report = await buildBenchData(databaseUrl, options, out);
  const width = Math.max(...Object.keys(report.counts).map((t) => t.length));
  out('');
  for (const [table, n] of Object.entries(report.counts)) out(`${table.padEnd(width)}  ${String(n).padStart(9)}`);
  out(`${'total'.padEnd(width)}  ${String(report.total).padStart(9)}${report.filler ? `  (of which ${report.filler} audit_event filler rows)` : ''}`);
  out(`\ndone in ${report.seconds.toFixed(1)} s`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`bench:data failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
