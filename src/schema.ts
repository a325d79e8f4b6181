import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { installGlobalIds } from './common/global-id-schema';
import { callFieldResolversDirectly, useDefaultResolvers } from './common/default-resolvers';
import { Node } from './common/node';
import { applyPermissions } from './policy/apply-permissions';
import { recordMutationOutcomes, replayMutationOutcomes } from './modules/idempotency/mutation-outcome';
import { TransferDecisionResolver } from './policy/transfer-decision.resolver';
import { ActivationResolver } from './modules/activation/activation.resolver';
import { ApiKeyResolver, OrganizationApiKeysResolver } from './modules/api-key/api-key.resolver';
import { AuditEventResolver } from './modules/audit/audit.resolver';
import { EventResolver } from './modules/event/event.resolver';
import { ComputerResolver } from './modules/computer/computer.resolver';
import { ContractResolver } from './modules/contract/contract.resolver';
import { LicenseResolver } from './modules/license/license.resolver';
import { LicenseSummaryResolver, OrganizationLicenseSummaryResolver, ProductLicenseSummaryResolver } from './modules/license/license-summary.resolver';
import { NodeResolver } from './modules/node/node.resolver';
import { OrganizationResolver } from './modules/organization/organization.resolver';
import { ProductResolver } from './modules/product/product.resolver';
import { PortalUserResolver } from './modules/user/user.resolver';
import { RateLimitResolver } from './modules/viewer/rate-limit.resolver';
import { ViewerResolver } from './modules/viewer/viewer.resolver';
import { PrivacyMutationsResolver } from './modules/privacy/privacy-mutations.resolver';
import { OrganizationMutationsResolver } from './modules/organization/organization-mutations.resolver';
import { UserMutationsResolver } from './modules/user/user-mutations.resolver';
import { ApiKeyMutationsResolver } from './modules/api-key/api-key-mutations.resolver';
import { ActivationMutationsResolver } from './modules/activation/activation-mutations.resolver';
import { ContractMutationsResolver } from './modules/contract/contract-mutations.resolver';
import { LicenseMutationsResolver } from './modules/license/license-mutations.resolver';
import { OrganizationWebhookEndpointsResolver, WebhookDeliveryResolver, WebhookEndpointResolver } from './modules/webhook/webhook.resolver';
import { WebhookMutationsResolver } from './modules/webhook/webhook-mutations.resolver';

export const RESOLVERS = [
  ActivationResolver,
  ApiKeyResolver,
  OrganizationApiKeysResolver,
  WebhookEndpointResolver,
  WebhookDeliveryResolver,
  OrganizationWebhookEndpointsResolver,
  AuditEventResolver,
  ComputerResolver,
  EventResolver,
  ContractResolver,
  LicenseResolver,
  LicenseSummaryResolver,
  OrganizationLicenseSummaryResolver,
  ProductLicenseSummaryResolver,
  NodeResolver,
  OrganizationResolver,
  ProductResolver,
  PortalUserResolver,
  ViewerResolver,
  RateLimitResolver,
  TransferDecisionResolver,
  PrivacyMutationsResolver,
  OrganizationMutationsResolver,
  UserMutationsResolver,
  ApiKeyMutationsResolver,
  WebhookMutationsResolver,
  ActivationMutationsResolver,
  ContractMutationsResolver,
  LicenseMutationsResolver,
] as const;

let bare: GraphQLSchema | undefined;

/** The root types' descriptions (type-graphql makes the roots itself and takes none). */
const ROOT_DESCRIPTIONS = {
  Query: 'Reads. Every list and lookup holds only the rows the viewer reaches (an unreachable row is the same as a missing one: NOT_FOUND); each field of a row is ruled by its permission category.',
  Mutation:
    'Writes. Each takes one input and returns a payload read back after the write; an Idempotency-Key header makes a retry safe. Refusals: FORBIDDEN, NOT_FOUND, BAD_USER_INPUT (naming the field), CONFLICT (naming the rule).',
};

function describeRoots(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (root) root.description = ROOT_DESCRIPTIONS[root.name as keyof typeof ROOT_DESCRIPTIONS];
  }
  return schema;
}
let guarded: GraphQLSchema | undefined;

/** The schema without the permission layer: for the SDL, the permission check, and the policy benchmark only. */
export function buildBareSchema(): GraphQLSchema {
  bare ??= installGlobalIds(
    callFieldResolversDirectly(
      useDefaultResolvers(
        describeRoots(
          buildSchemaSync({
            resolvers: RESOLVERS,
            orphanedTypes: [Node],
            // Inputs are validated in the services (each problem named with its field); class-validator
            // on every resolver call was measurable garbage on large lists.
            validate: false,
          }),
        ),
      ),
    ),
  );
  return bare;
}

/**
 * The executable schema (built once per process: type-graphql's metadata is global):
 * schema → a keyed retry's stored outcome in place of each mutation → permissions → the
 * outcome of each keyed mutation recorded for its retries.
 */
export function buildHubSchema(): GraphQLSchema {
  guarded ??= recordMutationOutcomes(applyPermissions(replayMutationOutcomes(buildBareSchema())));
  return guarded;
}

/** The SDL as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export function printHubSchema(schema: GraphQLSchema = buildBareSchema()): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
