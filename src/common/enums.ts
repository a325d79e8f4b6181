import { registerEnumType } from 'type-graphql';

export enum OrganizationKind {
  VENDOR = 'VENDOR',
  DISTRIBUTOR = 'DISTRIBUTOR',
  CUSTOMER = 'CUSTOMER',
}

export enum Role {
  VENDOR_ADMIN = 'VENDOR_ADMIN',
  VENDOR_STAFF = 'VENDOR_STAFF',
  PRIVACY_OFFICER = 'PRIVACY_OFFICER',
  DISTRIBUTOR_ADMIN = 'DISTRIBUTOR_ADMIN',
  DISTRIBUTOR_USER = 'DISTRIBUTOR_USER',
  CUSTOMER_ADMIN = 'CUSTOMER_ADMIN',
  CUSTOMER_USER = 'CUSTOMER_USER',
}

/** The organization kind each role belongs to (docs/access-policy.md, Roles). */
export const ROLE_KIND: Record<Role, OrganizationKind> = {
  [Role.VENDOR_ADMIN]: OrganizationKind.VENDOR,
  [Role.VENDOR_STAFF]: OrganizationKind.VENDOR,
  [Role.PRIVACY_OFFICER]: OrganizationKind.VENDOR,
  [Role.DISTRIBUTOR_ADMIN]: OrganizationKind.DISTRIBUTOR,
  [Role.DISTRIBUTOR_USER]: OrganizationKind.DISTRIBUTOR,
  [Role.CUSTOMER_ADMIN]: OrganizationKind.CUSTOMER,
  [Role.CUSTOMER_USER]: OrganizationKind.CUSTOMER,
};

export enum UserStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
  WITHDRAWN = 'WITHDRAWN',
  ERASED = 'ERASED',
}

export enum LicenseModel {
  PERPETUAL = 'PERPETUAL',
  SUBSCRIPTION = 'SUBSCRIPTION',
}

/** EXPIRED is never stored: it is derived from validUntil and the request clock. */
export enum LicenseStatus {
  REGISTERED = 'REGISTERED',
  ALLOCATED = 'ALLOCATED',
  REVOKED = 'REVOKED',
  LAPSED = 'LAPSED',
  EXPIRED = 'EXPIRED',
}

export enum ContractType {
  SCC_2021 = 'SCC_2021',
  SCC_2010 = 'SCC_2010',
  DPA = 'DPA',
  DPF_CERTIFICATION = 'DPF_CERTIFICATION',
  PRIVACY_SHIELD = 'PRIVACY_SHIELD',
}

export enum ContractStatus {
  DRAFT = 'DRAFT',
  SIGNED = 'SIGNED',
  TERMINATED = 'TERMINATED',
}

export enum TransferBasis {
  EEA = 'EEA',
  ADEQUACY = 'ADEQUACY',
  SCC_2021 = 'SCC_2021',
  SCC_2010 = 'SCC_2010',
  DPA = 'DPA',
  DPF_CERTIFICATION = 'DPF_CERTIFICATION',
  PRIVACY_SHIELD = 'PRIVACY_SHIELD',
  NOT_REQUIRED = 'NOT_REQUIRED',
  NONE = 'NONE',
}

export enum ActorType {
  USER = 'USER',
  API_KEY = 'API_KEY',
  SYSTEM = 'SYSTEM',
}

export enum AuditOutcome {
  ALLOWED = 'ALLOWED',
  DENIED = 'DENIED',
}

/**
 * API key scopes (docs/access-policy.md, API keys). The value is the scope's name as integrators
 * write it in strings (`licenses:read`, ApiKey.scopes, CreateApiKeyInput.scopes); the GraphQL
 * enum ApiKeyScope names the same scopes as LICENSES_READ etc. (enum names cannot hold ':').
 */
export enum ApiKeyScope {
  CUSTOMERS_READ = 'customers:read',
  LICENSES_READ = 'licenses:read',
  LICENSES_WRITE = 'licenses:write',
  PERSONAL_DATA_READ = 'personal_data:read',
  ACTIVATION_KEYS_READ = 'activation_keys:read',
  CONTRACTS_READ = 'contracts:read',
}
export const API_KEY_SCOPES: readonly ApiKeyScope[] = Object.values(ApiKeyScope);

/** What a scope includes besides itself: a key that may change licenses reaches them (docs/access-policy.md). */
export const API_KEY_SCOPE_INCLUDES: Partial<Record<ApiKeyScope, readonly ApiKeyScope[]>> = {
  [ApiKeyScope.LICENSES_WRITE]: [ApiKeyScope.LICENSES_READ],
};

/** A scope as written in a string: its name (`licenses:read`) or its enum name (`LICENSES_READ`); null when it is none. */
export function apiKeyScopeOf(text: string): ApiKeyScope | null {
  if ((API_KEY_SCOPES as readonly string[]).includes(text)) return text as ApiKeyScope;
  return Object.prototype.hasOwnProperty.call(ApiKeyScope, text) ? ApiKeyScope[text as keyof typeof ApiKeyScope] : null;
}

// The descriptions are what integrators read in their generated clients (tests/unit/schema-descriptions.test.ts).
registerEnumType(OrganizationKind, {
  name: 'OrganizationKind',
  description: 'What an organization is to the vendor.',
  valuesConfig: {
    VENDOR: { description: 'MOBOTIX, the EU controller of the portal: never gated.' },
    DISTRIBUTOR: { description: 'A partner that holds licenses and allocates them to the customers it serves; gated by the transfer gate for their personal data.' },
    CUSTOMER: { description: 'An end customer: licenses are allocated to it, and activated on its computers.' },
  },
});
registerEnumType(ApiKeyScope, {
  name: 'ApiKeyScope',
  description: "What an API key may do beyond reaching its organization's public rows; each is also written as a string (ApiKey.scopes), e.g. LICENSES_READ is licenses:read.",
  valuesConfig: {
    CUSTOMERS_READ: { description: 'customers:read: Query.customers, and the customer organizations and their people the role reaches.' },
    LICENSES_READ: { description: 'licenses:read: Query.licenses and licenseSummary; the licenses, activations and computers the role reaches.' },
    LICENSES_WRITE: {
      description:
        'licenses:write: allocateLicense (distributor keys), activateLicense and deactivateActivation (customer keys); includes LICENSES_READ. Activating also reads the computers: with PERSONAL_DATA_READ.',
    },
    PERSONAL_DATA_READ: { description: "personal_data:read: the CONTACT and PERSONAL fields the role may read (names, e-mails, computers' names and host ids)." },
    ACTIVATION_KEYS_READ: { description: 'activation_keys:read: License.activationKey, where the role may read it.' },
    CONTRACTS_READ: { description: 'contracts:read: Query.contracts, Organization.contracts and Organization.transferBasis, where the role may read them.' },
  },
});
registerEnumType(Role, {
  name: 'Role',
  description: "A person's role; each belongs to one kind of organization (an API key acts as its organization's non-admin role).",
  valuesConfig: {
    VENDOR_ADMIN: { description: 'Vendor: manages organizations, contracts, licenses, users and keys; reads the audit record.' },
    VENDOR_STAFF: { description: 'Vendor: reads what vendor roles read (not the audit record); manages nothing.' },
    PRIVACY_OFFICER: { description: 'Vendor: the data protection officer (consent, export, rectification, retention, the audit record); never activation keys.' },
    DISTRIBUTOR_ADMIN: { description: "Distributor: manages its organization's users and keys, allocates licenses, creates its customers, activates on their behalf." },
    DISTRIBUTOR_USER: { description: 'Distributor: reads its licenses and customers, allocates licenses.' },
    CUSTOMER_ADMIN: { description: "Customer: manages its organization's users and keys, activates licenses, reads activation keys." },
    CUSTOMER_USER: { description: "Customer: activates licenses on its organization's computers." },
  },
});
registerEnumType(UserStatus, {
  name: 'UserStatus',
  description: 'Whether a person can sign in; only ACTIVE people can.',
  valuesConfig: {
    ACTIVE: { description: 'Signs in and acts by their role.' },
    DISABLED: { description: "Disabled by their organization's admin or VENDOR_ADMIN (disableUser); their API keys are revoked." },
    WITHDRAWN: { description: 'Withdrew consent (withdrawConsent): access ended, their licenses lapsed; recordConsent makes them ACTIVE again.' },
    ERASED: { description: 'Pseudonymized by retention: the record holds only pseudonyms; final.' },
  },
});
registerEnumType(LicenseModel, {
  name: 'LicenseModel',
  description: 'How a product is licensed.',
  valuesConfig: {
    PERPETUAL: { description: 'Bought once; a license may have no end (validUntil null).' },
    SUBSCRIPTION: { description: 'Paid per term; a license ends at validUntil.' },
  },
});
registerEnumType(LicenseStatus, {
  name: 'LicenseStatus',
  description: 'Where a license is in its life, at the instant of the request.',
  valuesConfig: {
    REGISTERED: { description: 'Held by a distributor, not yet allocated to a customer.' },
    ALLOCATED: { description: 'Allocated to a customer (and maybe a licensee); can be activated within its seats.' },
    REVOKED: { description: 'Revoked by VENDOR_ADMIN; its activations ended. Final.' },
    LAPSED: { description: 'Its licensee withdrew consent: lapsed from the instant the withdrawal was received.' },
    EXPIRED: { description: 'validUntil has passed (derived at the instant of the request, never stored).' },
  },
});
registerEnumType(ContractType, {
  name: 'ContractType',
  description: 'The kind of data-transfer contract; each type gives a transfer basis only within its legal window (docs/transfer-gate.md).',
  valuesConfig: {
    SCC_2021: { description: "Standard contractual clauses of 2021 (GDPR Art. 46): covers all of the distributor's countries." },
    SCC_2010: { description: "The old standard contractual clauses: covers all of the distributor's countries, only before 2022-12-27." },
    DPA: { description: "A data-processing agreement (GDPR Art. 28): covers all of the distributor's countries." },
    DPF_CERTIFICATION: { description: "The distributor's EU-U.S. Data Privacy Framework certification: covers the U.S. only, from 2023-07-10; renewed yearly (give an expiresAt)." },
    PRIVACY_SHIELD: { description: 'The EU-U.S. Privacy Shield: covers the U.S. only, before 2020-07-16 (invalidated by Schrems II).' },
  },
});
registerEnumType(ContractStatus, {
  name: 'ContractStatus',
  description: "A contract's status at the instant of the request.",
  valuesConfig: {
    DRAFT: { description: 'Created, not (yet) signed: gives no transfer basis.' },
    SIGNED: { description: 'Signed and not terminated at this instant (a termination may be scheduled ahead); in force within its dates.' },
    TERMINATED: { description: 'Terminated at or before this instant: gives no transfer basis from terminatedAt on. Final.' },
  },
});
registerEnumType(TransferBasis, {
  name: 'TransferBasis',
  description: 'What allows personal data to flow to a distributor (or NONE: it does not).',
  valuesConfig: {
    EEA: { description: "All of the distributor's countries are in the EU/EEA: no transfer basis needed." },
    ADEQUACY: { description: 'An adequacy decision of the European Commission covers the third countries.' },
    SCC_2021: { description: 'A SCC_2021 contract in force.' },
    SCC_2010: { description: 'A SCC_2010 contract in force (only before 2022-12-27).' },
    DPA: { description: 'A DPA contract in force.' },
    DPF_CERTIFICATION: { description: 'A Data Privacy Framework certification in force (the U.S.).' },
    PRIVACY_SHIELD: { description: 'A Privacy Shield contract in force (only before 2020-07-16).' },
    NOT_REQUIRED: { description: 'No transfer happens: the viewer is the vendor, or reads its own organization.' },
    NONE: { description: 'No basis: the data is withheld (allowed is false; reason says why).' },
  },
});
registerEnumType(ActorType, {
  name: 'ActorType',
  description: 'Who acted or asked.',
  valuesConfig: {
    USER: { description: 'A person signed in with a token.' },
    API_KEY: { description: "An organization's API key." },
    SYSTEM: { description: 'The hub itself (e.g. the retention job run from the command line).' },
  },
});
registerEnumType(AuditOutcome, {
  name: 'AuditOutcome',
  description: 'Whether the recorded read or write was allowed.',
  valuesConfig: {
    ALLOWED: { description: 'Allowed: the data was read or the write done.' },
    DENIED: { description: 'Denied by the transfer gate (the data was withheld with TRANSFER_BASIS_REQUIRED).' },
  },
});
