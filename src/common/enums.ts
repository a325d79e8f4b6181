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

/** API key scopes (docs/access-policy.md, API keys); exposed as strings because GraphQL enum names cannot hold ':'. */
export const API_KEY_SCOPES = [
  'customers:read',
  'licenses:read',
  'licenses:write',
  'personal_data:read',
  'activation_keys:read',
  'contracts:read',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

registerEnumType(OrganizationKind, { name: 'OrganizationKind' });
registerEnumType(Role, { name: 'Role' });
registerEnumType(UserStatus, { name: 'UserStatus' });
registerEnumType(LicenseModel, { name: 'LicenseModel' });
registerEnumType(LicenseStatus, { name: 'LicenseStatus' });
registerEnumType(ContractType, { name: 'ContractType' });
registerEnumType(ContractStatus, { name: 'ContractStatus' });
registerEnumType(TransferBasis, { name: 'TransferBasis' });
registerEnumType(ActorType, { name: 'ActorType' });
registerEnumType(AuditOutcome, { name: 'AuditOutcome' });
