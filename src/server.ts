import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLFormattedError } from 'graphql';
import { AsyncLocalStorage } from 'node:async_hooks';
import { HubConfig } from './config';
import { ErrorCode } from './common/errors';
import { RequestContext } from './context/request-context';
import { buildHubSchema } from './schema';

/** Codes a client may see as they are; anything else is an internal error. */
const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * schema → (permissions, issue #3) → Apollo server. The tests build exactly this one.
 * Unexpected errors never reach the client as they are: no stack, no SQL, no path.
 */
export function createGraphQLServer(config: HubConfig, onInternalError: (error: unknown, requestId: string) => void): ApolloServer<RequestContext> {
  return new ApolloServer<RequestContext>({
    schema: buildHubSchema(),
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: !config.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // The hub sets no cache hints; the plugin would otherwise wrap every field of every answer.
    plugins: [ApolloServerPluginCacheControlDisabled()],
    formatError: (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
      const code = formatted.extensions?.code;
      if (typeof code === 'string' && CLIENT_CODES.has(code)) {
        const { http: _http, stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
        return { ...formatted, extensions };
      }
      const requestId = currentRequestId(error);
      onInternalError(unwrapResolverError(error), requestId);
      return {
        message: `Internal server error (request ${requestId})`,
        path: formatted.path,
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId },
      };
    },
  });
}

/** Apollo's formatError has no context argument: the HTTP layer runs each request inside this store. */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

function currentRequestId(_error: unknown): string {
  return requestScope.getStore()?.requestId ?? 'unknown';
}
