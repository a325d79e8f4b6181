import { DataSource } from 'typeorm';
import { Activation } from '../../src/modules/activation/activation.entity';
import { Computer } from '../../src/modules/computer/computer.entity';
import { Contract } from '../../src/modules/contract/contract.entity';
import { License } from '../../src/modules/license/license.entity';
import { CustomerAccount } from '../../src/modules/organization/customer-account.entity';
import { Organization } from '../../src/modules/organization/organization.entity';
import { Product } from '../../src/modules/product/product.entity';
import { PortalUser } from '../../src/modules/user/portal-user.entity';

/**
 * Every personal or contact value a distributor must not receive while its transfer gate is
 * closed, read from the DATABASE at the moment of the check (not from a list in a test): the
 * seed world plus whatever the tests changed (withdrawn, disabled, erased people, computers
 * made by activations, pseudonyms of the retention job).
 *
 * Categories:
 * - `customer contact`: Organization.address/phone/email of the distributor's customers (CONTACT, gated);
 * - `customer person`: PortalUser.name/email/phone/consentWithdrawnAt of its customers' people;
 * - `customer person status`: the status of a customer's person who is not ACTIVE (PortalUser.status
 *   is PERSONAL: "the person is WITHDRAWN" tells what the gate hides);
 * - `licensee`, `activated by`: the people named by its licenses and their activations;
 * - `customer computer`: Computer.name/hostId of its customers' computers and of every computer
 *   with an activation of its licenses;
 * - `other tenant …`, `vendor staff person`: everything personal of rows it cannot reach at all
 *   (a status word is looked for only among its own customers' people: it names no one by itself).
 *
 * What is left out, and why (see `skipped`):
 * - values under 4 characters (country codes, "C1"…): they match inside ids, words and numbers;
 * - digits-only values under 5 digits (postal codes such as 8001): they match years and counts;
 * - the role of a person (CUSTOMER_ADMIN…): every customer has one of each, it identifies no one;
 * - values the asker may read anyway: any value found inside its own organization's data, its own
 *   people's data, the vendor's contact data, any organization's name (PUBLIC), product names
 *   and SKUs, operating systems (PUBLIC) or its own contracts (e.g. a customer in the
 *   distributor's own city: the city is not news).
 */

export type ValueCategory =
  | 'customer contact'
  | 'customer person'
  | 'customer person status'
  | 'licensee'
  | 'activated by'
  | 'customer computer'
  | 'other tenant contact'
  | 'other tenant person'
  | 'other tenant computer'
  | 'vendor staff person';

export interface PersonalValue {
  value: string;
  category: ValueCategory;
  /** What it is, for a human: "PortalUser.email of user@mumbai-c1.example". */
  subject: string;
  /** Status words are matched as whole words (WITHDRAWN, DISABLED, ERASED). */
  word?: boolean;
}

export interface SkippedValue extends PersonalValue {
  why: string;
}

export interface PersonalValueSet {
  distributorId: string;
  values: PersonalValue[];
  skipped: SkippedValue[];
}

/** Case-, accent- and width-folded text: the API folds names for search and sorting. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

const STATUS_WORDS = new Set(['WITHDRAWN', 'DISABLED', 'ERASED']);

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The personal values a distributor (raw uuid of its organization) must not see through a closed gate. */
export async function personalValuesFor(dataSource: DataSource, distributorId: string): Promise<PersonalValueSet> {
  const [orgs, accounts, users, computers, licenses, activations, products, contracts] = await Promise.all([
    dataSource.getRepository(Organization).find(),
    dataSource.getRepository(CustomerAccount).find(),
    dataSource.getRepository(PortalUser).find(),
    dataSource.getRepository(Computer).find(),
    dataSource.getRepository(License).find(),
    dataSource.getRepository(Activation).find(),
    dataSource.getRepository(Product).find(),
    dataSource.getRepository(Contract).find(),
  ]);
  const own = orgs.find((o) => o.id === distributorId);
  if (!own) throw new Error(`no organization ${distributorId}`);
  const vendorIds = new Set(orgs.filter((o) => o.kind === 'VENDOR').map((o) => o.id));
  const customerIds = new Set(accounts.filter((a) => a.distributorId === distributorId).map((a) => a.customerId));
  const myLicenses = licenses.filter((l) => l.distributorId === distributorId);
  const myLicenseIds = new Set(myLicenses.map((l) => l.id));
  const licenseeIds = new Set(myLicenses.map((l) => l.licenseeId).filter((x): x is string => !!x));
  const myActivations = activations.filter((a) => myLicenseIds.has(a.licenseId));
  const activatorIds = new Set(myActivations.map((a) => a.activatedById).filter((x): x is string => !!x));
  const activatedComputerIds = new Set(myActivations.map((a) => a.computerId));
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const label = (o: Organization | undefined) => o?.email ?? o?.name ?? '?';

  // What the asker may read anyway: a personal value found inside one of these is no news.
  const ownUsers = users.filter((u) => u.organizationId === distributorId);
  const readable: string[] = [
    ...contactOf(own),
    own.name,
    ...ownUsers.flatMap((u) => [u.name, u.email, u.phone ?? '', iso(u.consentGivenAt) ?? '', iso(u.consentWithdrawnAt) ?? '']),
    ...orgs.filter((o) => vendorIds.has(o.id)).flatMap((o) => [o.name, ...contactOf(o)]),
    ...orgs.map((o) => o.name),
    ...products.flatMap((p) => [p.name, p.sku]),
    ...computers.map((c) => c.os),
    ...contracts.filter((c) => c.distributorId === distributorId).map((c) => c.documentRef ?? ''),
  ]
    .filter((s) => s)
    .map(fold);

  const candidates: PersonalValue[] = [];
  const add = (value: string | null | undefined, category: ValueCategory, subject: string, word = false) => {
    if (value) candidates.push({ value, category, subject, ...(word ? { word } : {}) });
  };

  for (const o of orgs) {
    if (o.id === distributorId || vendorIds.has(o.id)) continue;
    const category: ValueCategory = customerIds.has(o.id) ? 'customer contact' : 'other tenant contact';
    const [street, postalCode, city, phone, email] = [o.street, o.postalCode, o.city, o.phone, o.email];
    add(street, category, `Organization.address.street of ${label(o)}`);
    add(postalCode, category, `Organization.address.postalCode of ${label(o)}`);
    add(city, category, `Organization.address.city of ${label(o)}`);
    add(phone, category, `Organization.phone of ${label(o)}`);
    add(email, category, `Organization.email of ${label(o)}`);
  }
  for (const u of users) {
    if (u.organizationId === distributorId) continue;
    const category: ValueCategory = vendorIds.has(u.organizationId)
      ? 'vendor staff person'
      : licenseeIds.has(u.id)
        ? 'licensee'
        : activatorIds.has(u.id)
          ? 'activated by'
          : customerIds.has(u.organizationId)
            ? 'customer person'
            : 'other tenant person';
    const who = `${u.email} (${label(orgById.get(u.organizationId))})`;
    add(u.name, category, `PortalUser.name of ${who}`);
    add(u.email, category, `PortalUser.email of ${who}`);
    add(u.phone, category, `PortalUser.phone of ${who}`);
    add(iso(u.consentWithdrawnAt), category, `PortalUser.consentWithdrawnAt of ${who}`);
    // A status word is the same for everyone who has it: one value per word, naming the
    // distributor's customers' people who have it (other tenants' people cannot be named by
    // the distributor in the first place).
    if (STATUS_WORDS.has(u.status) && (customerIds.has(u.organizationId) || licenseeIds.has(u.id) || activatorIds.has(u.id))) {
      const existing = candidates.find((c) => c.word && c.value === u.status);
      if (existing) existing.subject += `, ${u.email}`;
      else add(u.status, 'customer person status', `PortalUser.status of ${u.email}`, true);
    }
  }
  for (const c of computers) {
    const category: ValueCategory = customerIds.has(c.organizationId) || activatedComputerIds.has(c.id) ? 'customer computer' : 'other tenant computer';
    const whose = label(orgById.get(c.organizationId));
    add(c.name, category, `Computer.name of ${c.name} (${whose})`);
    add(c.hostId, category, `Computer.hostId of ${c.name} (${whose})`);
  }

  const values: PersonalValue[] = [];
  const skipped: SkippedValue[] = [];
  const seen = new Set<string>();
  for (const v of candidates) {
    const key = `${v.category}|${v.value}|${v.subject}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const why = whySkip(v, readable);
    if (why) skipped.push({ ...v, why });
    else values.push(v);
  }
  return { distributorId, values, skipped };
}

function contactOf(o: Organization): string[] {
  return [o.street, o.postalCode, o.city, o.phone, o.email].filter((s): s is string => !!s);
}

function whySkip(v: PersonalValue, readable: string[]): string | null {
  if (v.word) return null;
  const value = v.value.trim();
  if (value.length < 4) return 'shorter than 4 characters: would match inside ids, words and numbers by accident';
  if (/^\d+$/.test(value) && value.length < 5) return 'four digits or fewer: would match years, counts and limits by accident';
  const f = fold(value);
  const inside = readable.find((r) => r.includes(f));
  if (inside !== undefined) return `the asker may read it anyway (inside "${inside}")`;
  return null;
}
