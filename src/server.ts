import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ApolloServerPlugin } from '@apollo/server';
import { costInExtensions } from './http/stages/rate';
import { HubConfig } from './config';
import { ErrorCode } from './common/errors';
import { RequestContext } from './context/request-context';
import { buildHubSchema } from './schema';
import { countResolvedFields } from './http/answer-bound';
import { PersistedQueryStore } from './http/persisted-queries';
import { transferGateSummaryPlugin } from './policy/gate-summary';
import { jitGateway } from './executor';

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
 * schema → (permissions, issue #3) → the count of resolved fields → Apollo server. The tests
 * build exactly this one. Unexpected errors never reach the client as they are: no stack, no
 * SQL, no path. Automatic persisted queries are on when the hub gives the store it resolves
 * hashes from before the limits (src/http/persisted-queries.ts); without one, a hash is refused.
 */
export function createGraphQLServer(config: HubConfig, onInternalError: (error: unknown, requestId: string) => void, persistedQueries?: PersistedQueryStore): ApolloServer<RequestContext> {
  const schema = countResolvedFields(buildHubSchema());
  return new ApolloServer<RequestContext>({
    ...(config.executor === 'jit' ? { gateway: jitGateway(schema) } : { schema }),
    persistedQueries: persistedQueries ? { cache: persistedQueries } : false,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: !config.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // main.ts stops the hub (HTTP first, then Apollo, then the database) on SIGTERM/SIGINT;
    // Apollo's own handler raced it and could leave apollo.stop() hanging until the forced exit.
    stopOnTerminationSignals: false,
    // The hub sets no cache hints; the plugin would otherwise wrap every field of every answer.
    plugins: [ApolloServerPluginCacheControlDisabled(), measuredOperationOnly(), answerBound(), maskedErrors(onInternalError), transferGateSummaryPlugin(), costInExtensions()],
    formatError: (formatted: GraphQLFormattedError): GraphQLFormattedError => {
      const code = formatted.extensions?.code;
      if (typeof code === 'string' && CLIENT_CODES.has(code)) {
        // As it is, unless it carries what clients must not see (thousands of denied fields
        // of one answer come through here).
        if (!formatted.extensions || !('http' in formatted.extensions || 'stacktrace' in formatted.extensions)) return formatted;
        const { http: _http, stacktrace: _stack, ...extensions } = formatted.extensions;
        return { ...formatted, extensions };
      }
      // The request id is filled in by maskedErrors() below, which knows the request.
      return { message: 'Internal server error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    },
  });
}

/**
 * Apollo executes the operation the static limits measured, or nothing: the same text and the
 * same operation of it. The hub hands Apollo the text it measured (an APQ hash already resolved),
 * so this never refuses on the hub's own path; it makes the guarantee not depend on that.
 */
function measuredOperationOnly(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ source, operation, contextValue }) {
          if (!operation) return; // no such operation: graphql-js executes nothing and says why
          const measured = contextValue.measured;
          if (measured && measured.source === source && measured.operationName === (operation.name?.value ?? null)) return;
          throw new GraphQLError('the operation was not measured against the query limits and is not executed', {
            extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'measured', http: { status: 400 } },
          });
        },
      };
    },
  };
}

/**
 * An answer over MAX_RESOLVED_FIELDS (src/http/answer-bound.ts) is replaced by its one error,
 * HTTP 400: the client gets no partial answer, and the partial answer is never serialized.
 */
function answerBound(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const refusal = contextValue.answerBound?.refusal();
          if (!refusal || response.body.kind !== 'single') return;
          response.body.singleResult = { errors: [{ message: refusal.message, extensions: refusal.extensions }] };
          response.http.status = 400;
        },
      };
    },
  };
}

const isClientError = (error: { extensions?: Record<string, unknown> }) => {
  const code = error.extensions?.code;
  return typeof code === 'string' && CLIENT_CODES.has(code);
};

/**
 * Apollo's formatError has no request: this plugin logs each internal error with its request id
 * and names that id in the masked message. (It replaces an AsyncLocalStorage around the request,
 * which made every promise of the process pay for async hooks: about 5% of the CPU of a large
 * answer.)
 */
function maskedErrors(onInternalError: (error: unknown, requestId: string) => void): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) if (!isClientError(error)) onInternalError(unwrapResolverError(error), contextValue.requestId);
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          // The codes of the answer, for the log line and the metrics (read here rather than by
          // parsing the answer again: a gated dashboard carries 3,000 errors in 1.5 MB).
          const codes = new Map<string, number>();
          for (const e of response.body.singleResult.errors) {
            const code = typeof e.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN';
            codes.set(code, (codes.get(code) ?? 0) + 1);
          }
          contextValue.answer.errorCodes = codes;
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) =>
            e.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR && e.extensions.requestId === undefined
              ? { ...e, message: `Internal server error (request ${contextValue.requestId})`, extensions: { ...e.extensions, requestId: contextValue.requestId } }
              : e,
          );
        },
      };
    },
  };
}
