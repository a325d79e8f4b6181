import { Field, ID, InputType, Int } from 'type-graphql';
import { EventType } from '../event/event-type';

/**
 * What the endpoint writes take. The GraphQL layer (webhook-mutations.resolver.ts) turns global
 * ids into database keys with idArg before the services see them; field names in errors are
 * those of the GraphQL inputs (input.url, …).
 */
@InputType({ description: 'A new webhook endpoint.' })
export class CreateWebhookEndpointInput {
  @Field(() => ID, { description: "The organization whose events it receives: the caller's own, or any for VENDOR_ADMIN." }) organizationId: string;
  @Field(() => String, { description: 'Where deliveries are POSTed: https (in production), not a private, loopback or reserved address; at most 2000 characters.' }) url: string;
  /** Dotted (license.allocated) or enum (LICENSE_ALLOCATED) names of EventType. */
  @Field(() => [EventType], { description: 'The event types it receives; at least one.' }) eventTypes: string[];
  @Field(() => String, { nullable: true, description: 'What it is for, up to 500 characters.' }) description?: string | null;
}

@InputType({ description: 'The changes to a webhook endpoint; what is absent stays.' })
export class UpdateWebhookEndpointInput {
  @Field(() => ID, { description: 'The endpoint.' }) id: string;
  @Field(() => String, { nullable: true, description: 'A new URL, under the same rules as at creation.' }) url?: string | null;
  @Field(() => [EventType], { nullable: true, description: 'The new event types; at least one.' }) eventTypes?: string[] | null;
  /** An empty string clears it. */
  @Field(() => String, { nullable: true, description: 'A new description; an empty string clears it.' }) description?: string | null;
}

@InputType({ description: 'A webhook endpoint to disable, enable or delete.' })
export class WebhookEndpointIdInput {
  @Field(() => ID, { description: 'The endpoint.' }) id: string;
}

@InputType({ description: 'A webhook endpoint whose secret to replace.' })
export class RotateWebhookSecretInput {
  @Field(() => ID, { description: 'The endpoint.' }) id: string;
  /** How long the old secret keeps signing beside the new one: 0 (it stops now) to 7 days. */
  @Field(() => Int, { description: 'How long, in seconds, the old secret keeps signing beside the new one: 0 (it stops now) to 604800 (7 days).' }) overlapSeconds: number;
}

@InputType({ description: 'A delivery to send again.' })
export class RedeliverWebhookInput {
  @Field(() => ID, { description: 'A delivered or failed delivery of an enabled endpoint.' }) deliveryId: string;
}
