import { ActorType, OrganizationKind, Role } from '../common/enums';
import type { Contract } from '../modules/contract/contract.entity';
import { Organization } from '../modules/organization/organization.entity';
import type { JurisdictionData } from '../policy/transfer-gate';

/** Who is asking: a portal user, or an API key acting as its organization's non-admin role. */
export interface Actor {
  type: ActorType.USER | ActorType.API_KEY;
  /** The user's id, or the API key's id. */
  id: string;
  userId: string | null;
  apiKeyId: string | null;
  organizationId: string;
  organizationKind: OrganizationKind;
  role: Role;
  /** null for users; for API keys the scopes that narrow the role. */
  scopes: string[] | null;
  /** The actor's organization as read when authenticating (the transfer gate needs its countries). */
  organization: Organization;
  /**
   * Set only when the organization is a distributor: the facts of its own transfer gate, read in
   * the authenticating statement, so that the gate of the viewer's organization costs no further
   * statement. Read anew with every request, never cached longer.
   */
  gateFacts?: GateFacts;
}

/** What the transfer gate of one distributor reads: the jurisdiction facts and all its contracts. */
export interface GateFacts {
  jurisdictions: JurisdictionData;
  contracts: Contract[];
}

/** The role an API key acts as: the non-admin role of its organization's kind. */
export const API_KEY_ROLE: Record<OrganizationKind, Role> = {
  [OrganizationKind.VENDOR]: Role.VENDOR_STAFF,
  [OrganizationKind.DISTRIBUTOR]: Role.DISTRIBUTOR_USER,
  [OrganizationKind.CUSTOMER]: Role.CUSTOMER_USER,
};
