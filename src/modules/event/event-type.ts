import { registerEnumType } from 'type-graphql';

/**
 * The event types of the feed and of webhooks (docs/events.md). The GraphQL names are upper
 * case (an enum name cannot hold '.'); the value, used on the wire of a webhook and stored in
 * `hub_event.type`, is the dotted name.
 */
export enum EventType {
  LICENSE_REGISTERED = 'license.registered',
  LICENSE_ALLOCATED = 'license.allocated',
  LICENSE_ACTIVATED = 'license.activated',
  LICENSE_DEACTIVATED = 'license.deactivated',
  LICENSE_REVOKED = 'license.revoked',
  LICENSE_RENEWED = 'license.renewed',
  CONTRACT_CREATED = 'contract.created',
  CONTRACT_SIGNED = 'contract.signed',
  CONTRACT_TERMINATED = 'contract.terminated',
  ORGANIZATION_CUSTOMER_LINKED = 'organization.customer_linked',
  ORGANIZATION_CUSTOMER_UNLINKED = 'organization.customer_unlinked',
  USER_CONSENT_WITHDRAWN = 'user.consent_withdrawn',
  LICENSE_EXPIRING = 'license.expiring',
  LICENSE_EXPIRED = 'license.expired',
  CONTRACT_EXPIRING = 'contract.expiring',
  TRANSFER_BASIS_OPENED = 'transfer_basis.opened',
  TRANSFER_BASIS_CLOSED = 'transfer_basis.closed',
}

registerEnumType(EventType, {
  name: 'EventType',
  description: 'What an event reports. On the wire of a webhook the type is the dotted name given with each value (e.g. license.allocated).',
  valuesConfig: {
    LICENSE_REGISTERED: { description: 'license.registered: the vendor registered a license for a distributor.' },
    LICENSE_ALLOCATED: { description: 'license.allocated: a license was allocated to a customer.' },
    LICENSE_ACTIVATED: { description: 'license.activated: a license was activated on a computer (the subject is the Activation).' },
    LICENSE_DEACTIVATED: { description: 'license.deactivated: an activation ended (the subject is the Activation).' },
    LICENSE_REVOKED: { description: 'license.revoked: the vendor revoked a license.' },
    LICENSE_RENEWED: { description: 'license.renewed: a license was renewed (a new validUntil).' },
    CONTRACT_CREATED: { description: 'contract.created: a data-transfer contract with a distributor was recorded.' },
    CONTRACT_SIGNED: { description: 'contract.signed: a contract was signed.' },
    CONTRACT_TERMINATED: { description: 'contract.terminated: a contract was terminated (now or from a scheduled instant).' },
    ORGANIZATION_CUSTOMER_LINKED: { description: 'organization.customer_linked: a distributor now serves a customer (the subject is the customer).' },
    ORGANIZATION_CUSTOMER_UNLINKED: {
      description: 'organization.customer_unlinked: a distributor no longer serves a customer; the distributor keeps seeing this event, so a sync sees the removal.',
    },
    USER_CONSENT_WITHDRAWN: { description: "user.consent_withdrawn: a person withdrew consent (seen by the vendor and the person's own organization only)." },
    LICENSE_EXPIRING: { description: 'license.expiring: by the clock, a license reaches its validUntil within LICENSE_EXPIRING_DAYS days (once per validUntil).' },
    LICENSE_EXPIRED: { description: 'license.expired: by the clock, a license passed its validUntil (once per validUntil).' },
    CONTRACT_EXPIRING: { description: 'contract.expiring: by the clock, a contract reaches its expiresAt within CONTRACT_EXPIRING_DAYS days (once per expiresAt).' },
    TRANSFER_BASIS_OPENED: { description: "transfer_basis.opened: the transfer gate of a distributor opened (the subject is the distributor's Organization)." },
    TRANSFER_BASIS_CLOSED: { description: "transfer_basis.closed: the transfer gate of a distributor closed (the subject is the distributor's Organization)." },
  },
});

/** The audit action of a write → the event it publishes; actions not named here publish nothing. */
export const EVENT_OF_ACTION: Readonly<Record<string, EventType>> = {
  'license.registered': EventType.LICENSE_REGISTERED,
  'license.allocated': EventType.LICENSE_ALLOCATED,
  'license.activated': EventType.LICENSE_ACTIVATED,
  'license.deactivated': EventType.LICENSE_DEACTIVATED,
  'license.revoked': EventType.LICENSE_REVOKED,
  'license.renewed': EventType.LICENSE_RENEWED,
  'contract.created': EventType.CONTRACT_CREATED,
  'contract.signed': EventType.CONTRACT_SIGNED,
  'contract.terminated': EventType.CONTRACT_TERMINATED,
  'customer.linked': EventType.ORGANIZATION_CUSTOMER_LINKED,
  'customer.unlinked': EventType.ORGANIZATION_CUSTOMER_UNLINKED,
  'consent.withdrawn': EventType.USER_CONSENT_WITHDRAWN,
};

/** The API key scope an event's category needs (users are not narrowed by scopes). */
export function scopeOfEventType(type: EventType): string {
  if (type.startsWith('license.')) return 'licenses:read';
  if (type.startsWith('contract.') || type.startsWith('transfer_basis.')) return 'contracts:read';
  return 'customers:read';
}
