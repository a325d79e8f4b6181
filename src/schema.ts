import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { installGlobalIds } from './common/global-id-schema';
import { Node } from './common/node';
import { ActivationResolver } from './modules/activation/activation.resolver';
import { ApiKeyResolver } from './modules/api-key/api-key.resolver';
import { AuditEventResolver } from './modules/audit/audit.resolver';
import { ComputerResolver } from './modules/computer/computer.resolver';
import { ContractResolver } from './modules/contract/contract.resolver';
import { LicenseResolver } from './modules/license/license.resolver';
import { NodeResolver } from './modules/node/node.resolver';
import { OrganizationResolver } from './modules/organization/organization.resolver';
import { ProductResolver } from './modules/product/product.resolver';
import { PortalUserResolver } from './modules/user/user.resolver';
import { ViewerResolver } from './modules/viewer/viewer.resolver';

export const RESOLVERS = [
  ActivationResolver,
  ApiKeyResolver,
  AuditEventResolver,
  ComputerResolver,
  ContractResolver,
  LicenseResolver,
  NodeResolver,
  OrganizationResolver,
  ProductResolver,
  PortalUserResolver,
  ViewerResolver,
] as const;

let built: GraphQLSchema | undefined;

/** The executable schema (built once per process: type-graphql's metadata is global). */
export function buildHubSchema(): GraphQLSchema {
  if (!built) {
    const schema = buildSchemaSync({
      resolvers: RESOLVERS,
      orphanedTypes: [Node],
      validate: { forbidUnknownValues: false },
    });
    built = installGlobalIds(schema);
  }
  return built;
}

/** The SDL as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export function printHubSchema(schema: GraphQLSchema = buildHubSchema()): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
