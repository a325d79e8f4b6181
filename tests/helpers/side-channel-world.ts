import { fromGlobalId } from '../../src/common/global-id';
import { CustomerAccount } from '../../src/modules/organization/customer-account.entity';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { Client, TestHub } from './hub';
import { PersonalValue, personalValuesFor } from './personal-values';
import { describeHits, findValues, Hit } from './side-channel-scan';

/**
 * The world of the side-channel suite: which distributors the gate closes (asked of the gate
 * itself), their customers' people put in every state, and the personas that ask (admin, user,
 * an API key with every scope), each request scanned as it comes back.
 */

export const ALL_SCOPES = ['customers:read', 'licenses:read', 'licenses:write', 'personal_data:read', 'activation_keys:read', 'contracts:read'];

export interface GateAnswer {
  id: string;
  raw: string;
  name: string;
  allowed: boolean;
  basis: string;
  reason: string;
  validUntil: string | null;
  contract: { id: string; status: string; expiresAt: string | null } | null;
}

/** The gate of every distributor at the hub's clock, as the vendor admin reads it (`transferBasis`). */
export async function gateOfEveryDistributor(admin: Client): Promise<GateAnswer[]> {
  const data = await admin.data(`{ organizations(kind: DISTRIBUTOR, first: 100) { nodes { id name transferBasis { allowed basis reason validUntil contract { id status expiresAt } } } } }`);
  return data.organizations.nodes.map((n: any) => ({ id: n.id, raw: fromGlobalId(n.id)!.id, name: n.name, ...n.transferBasis }));
}

export interface Persona {
  label: string;
  client: Client;
  /** The global id of the person (null for an API key). */
  self: string | null;
}

/** A gated distributor that shares a customer with an open one (the same person behind an open and a closed gate), if any. */
export async function sharingCustomer(hub: TestHub, gated: GateAnswer[]): Promise<string | undefined> {
  const accounts = await hub.dataSource.getRepository(CustomerAccount).find();
  const closed = new Set(gated.map((g) => g.raw));
  return gated.find((g) => accounts.some((a) => a.distributorId === g.raw && accounts.some((b) => b.customerId === a.customerId && !closed.has(b.distributorId))))?.raw;
}

/** Its admin, its user, and an API key of it with every scope (made through the API by its admin). */
export async function personasOf(hub: TestHub, distributorRaw: string, gid: string): Promise<Persona[]> {
  const users = await hub.dataSource.getRepository(PortalUser).find({ where: { organizationId: distributorRaw }, order: { email: 'ASC' } });
  const admin = users.find((u) => u.role === 'DISTRIBUTOR_ADMIN' && u.status === 'ACTIVE')!;
  const user = users.find((u) => u.role === 'DISTRIBUTOR_USER' && u.status === 'ACTIVE')!;
  const adminClient = await hub.as(admin.email);
  const made = await adminClient.data(`mutation K($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, {
    input: { organizationId: gid, name: 'side-channel persona key', scopes: ALL_SCOPES },
  });
  // A second key that no persona uses, for revokeApiKey to act on.
  await adminClient.data(`mutation K($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, {
    input: { organizationId: gid, name: 'side-channel throwaway key', scopes: ['licenses:read'] },
  });
  return [
    { label: `${admin.email} (DISTRIBUTOR_ADMIN)`, client: adminClient, self: gidOf('PortalUser', admin.id) },
    { label: `${user.email} (DISTRIBUTOR_USER)`, client: await hub.as(user.email), self: gidOf('PortalUser', user.id) },
    { label: `API key of ${admin.email.split('@')[1]} with every scope`, client: hub.withToken(made.createApiKey.secret), self: null },
  ];
}

/**
 * Puts a distributor's customers' people in every state, the way the product does (the
 * privacy officer withdraws one's consent, the vendor admin disables another) and marks a
 * third ERASED without pseudonymizing it, so that its real values stay in the database and
 * would be found if any path served them. One person of the first customer stays ACTIVE.
 */
export async function putPeopleInEveryState(hub: TestHub, distributorRaw: string): Promise<void> {
  const accounts = await hub.dataSource.getRepository(CustomerAccount).find({ where: { distributorId: distributorRaw }, order: { customerId: 'ASC' } });
  const people = await hub.dataSource.getRepository(PortalUser).find({ order: { email: 'ASC' } });
  const of = (org: string, role: string) => people.find((p) => p.organizationId === org && p.role === role && p.status === 'ACTIVE');
  const [c1, c2] = accounts.map((a) => a.customerId);
  const dpo = await hub.as(people.find((p) => p.role === 'PRIVACY_OFFICER')!.email);
  const vendor = await hub.as(people.find((p) => p.role === 'VENDOR_ADMIN')!.email);
  const withdrawn = of(c1, 'CUSTOMER_USER');
  if (withdrawn) {
    await dpo.data(`mutation W($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { user { id } } }`, {
      input: { userId: gidOf('PortalUser', withdrawn.id), receivedAt: new Date(hub.now.getTime() - 3 * 3600_000 - 17_000).toISOString() },
    });
  }
  const disabled = of(c2, 'CUSTOMER_USER');
  if (disabled) await vendor.data(`mutation D($input: DisableUserInput!) { disableUser(input: $input) { user { id } } }`, { input: { userId: gidOf('PortalUser', disabled.id) } });
  const erased = of(c2, 'CUSTOMER_ADMIN');
  if (erased) await hub.dataSource.getRepository(PortalUser).update({ id: erased.id }, { status: 'ERASED' as never });
}

/** Fresh REGISTERED licenses for a distributor (the vendor admin registers them), so that every persona's valid allocations have their own. */
export async function registerLicensesFor(hub: TestHub, distributorGid: string, count: number): Promise<void> {
  const vendor = await hub.as((await hub.dataSource.getRepository(PortalUser).findOneByOrFail({ role: 'VENDOR_ADMIN' as never })).email);
  const product = (await vendor.data(`{ products { id } }`)).products[0].id;
  await vendor.data(`mutation R($input: RegisterLicensesInput!) { registerLicenses(input: $input) { licenses { id } } }`, {
    input: { distributorId: distributorGid, productId: product, count, seats: 2, validFrom: new Date(hub.now.getTime() - 86400_000).toISOString() },
  });
}

/** One fresh license with 8 seats allocated to the distributor's first customer by the vendor admin: room for activations on its existing computers. */
export async function allocateFreshLicense(hub: TestHub, distributorGid: string, distributorRaw: string): Promise<void> {
  const vendor = await hub.as((await hub.dataSource.getRepository(PortalUser).findOneByOrFail({ role: 'VENDOR_ADMIN' as never })).email);
  const product = (await vendor.data(`{ products { id } }`)).products[0].id;
  const made = await vendor.data(`mutation R($input: RegisterLicensesInput!) { registerLicenses(input: $input) { licenses { id } } }`, {
    input: { distributorId: distributorGid, productId: product, count: 1, seats: 8, validFrom: new Date(hub.now.getTime() - 86400_000).toISOString() },
  });
  const [first] = await hub.dataSource.getRepository(CustomerAccount).find({ where: { distributorId: distributorRaw }, order: { customerId: 'ASC' } });
  await vendor.data(`mutation A($input: AllocateLicenseInput!) { allocateLicense(input: $input) { licenses { id } } }`, {
    input: { licenseIds: [made.registerLicenses.licenses[0].id], customerId: Buffer.from(`Organization:${first.customerId}`, 'utf8').toString('base64url') },
  });
}

function gidOf(type: 'PortalUser', raw: string): string {
  return Buffer.from(`${type}:${raw}`, 'utf8').toString('base64url');
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Collects the hits of every scanned response. The values are read from the database when
 * `refresh` is called (after the world changed), per distributor.
 */
export class Scanner {
  readonly hits: Hit[] = [];
  requests = 0;
  /**
   * The closed-gate summaries (extensions.transferGates, issue #13) in the scanned answers: they
   * are scanned with the rest of the bytes; the count proves there were some to scan, and the
   * keys seen that they hold only what docs/api.md lists.
   */
  transferGateSummaries = 0;
  readonly transferGateKeys = new Set<string>();
  private values = new Map<string, PersonalValue[]>();
  /**
   * What each actor sent so far: a value it supplied itself is no news to it (e.g. the host id
   * it activated a license with). Shared between the scanners of one file.
   */
  constructor(
    private readonly hub: TestHub,
    private readonly supplied = new Map<string, string>(),
  ) {}

  async refresh(distributorRaw: string): Promise<PersonalValue[]> {
    const set = await personalValuesFor(this.hub.dataSource, distributorRaw);
    this.values.set(distributorRaw, set.values);
    return set.values;
  }

  valuesOf(distributorRaw: string): PersonalValue[] {
    const v = this.values.get(distributorRaw);
    if (!v) throw new Error('refresh() the values first');
    return v;
  }

  /** Records what `actor` sent without scanning the answer (a request made while its gate was open). */
  remember(actor: string, requestText: string): void {
    this.supplied.set(actor, (this.supplied.get(actor) ?? '') + '\n' + requestText);
  }

  /** Sends a request as `actor` (a distributor's persona) and scans what comes back. */
  async send(distributorRaw: string, actor: string, label: string, requestText: string, send: () => Promise<RawResponse>): Promise<RawResponse> {
    const supplied = (this.supplied.get(actor) ?? '') + '\n' + requestText;
    this.supplied.set(actor, supplied);
    const res = await send();
    this.requests++;
    this.scan(distributorRaw, `${actor}: ${label}`, res, supplied);
    return res;
  }

  scan(distributorRaw: string, request: string, res: RawResponse, supplied = ''): Hit[] {
    const hits = findValues(request, res.text, res.headers, this.valuesOf(distributorRaw), { supplied });
    this.hits.push(...hits);
    this.noteTransferGates(res.text);
    return hits;
  }

  private noteTransferGates(text: string): void {
    let gates: unknown;
    try {
      gates = (JSON.parse(text) as { extensions?: { transferGates?: unknown } } | null)?.extensions?.transferGates;
    } catch {
      return;
    }
    if (!Array.isArray(gates)) return;
    for (const g of gates) {
      this.transferGateSummaries++;
      for (const [key, value] of Object.entries(g as Record<string, unknown>)) {
        this.transferGateKeys.add(key);
        if (value && typeof value === 'object') for (const inner of Object.keys(value)) this.transferGateKeys.add(`${key}.${inner}`);
      }
    }
  }

  /** Fails with every hit named (value, category, request), never only a count. */
  expectNoHits(): void {
    if (!this.hits.length) return;
    const hits = dedupe(this.hits);
    // First one line per leaking request (what kinds of value, a few of them), then the details.
    const byRequest = new Map<string, Hit[]>();
    for (const h of hits) byRequest.set(h.request, [...(byRequest.get(h.request) ?? []), h]);
    const summary = [...byRequest.entries()].map(([request, hs]) => {
      const categories = [...new Set(hs.map((h) => h.category))].join(', ');
      const sample = [...new Set(hs.map((h) => JSON.stringify(h.value)))].slice(0, 4).join(', ');
      return `* ${request}\n    ${hs.length} value(s) [${categories}], e.g. ${sample}`;
    });
    throw new Error(
      `${hits.length} personal value(s) left through a closed gate, in ${byRequest.size} of ${this.requests} requests:\n${summary.join('\n').slice(0, 12000)}\n\nDetails:\n${describeHits(hits).slice(0, 8000)}`,
    );
  }
}

function dedupe(hits: Hit[]): Hit[] {
  const seen = new Set<string>();
  return hits.filter((h) => {
    const k = `${h.request}|${h.value}|${h.where}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
