/**
 * What the endpoint writes take. Ids are already decoded (the GraphQL layer turns global ids
 * into these with idArg); field names in errors are those of the GraphQL inputs (input.url, …).
 */
export interface CreateWebhookEndpointInput {
  organizationId: string;
  url: string;
  /** Dotted (license.allocated) or enum (LICENSE_ALLOCATED) names of EventType. */
  eventTypes: string[];
  description?: string | null;
}

export interface UpdateWebhookEndpointInput {
  id: string;
  url?: string | null;
  eventTypes?: string[] | null;
  /** An empty string clears it. */
  description?: string | null;
}

export interface RotateWebhookSecretInput {
  id: string;
  /** How long the old secret keeps signing beside the new one: 0 (it stops now) to 7 days. */
  overlapSeconds: number;
}
