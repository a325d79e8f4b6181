import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { ExecutionResult, GraphQLError, GraphQLSchema, execute, getVariableValues } from 'graphql';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<never>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/** How many compiled operations a process keeps (least recently used first out). */
export const COMPILED_OPERATIONS_KEPT = 500;

/**
 * GRAPHQL_EXECUTOR=jit: the hub's schema executed by graphql-jit, which compiles each operation
 * once into a function and runs that on every request with the same text (docs/benchmarks.md).
 * Apollo takes a custom executor only through its gateway interface; this "gateway" serves the
 * one schema it is given and never changes it. Everything before and after execution stays
 * Apollo's: parsing, validation, the document cache, plugins, error formatting.
 *
 * The schema is the same executable schema (resolvers, permission guards, the answer bound):
 * graphql-jit calls the same field resolvers with the same arguments, context and info, so the
 * permission layer runs unchanged. A compiled operation depends on the document and the chosen
 * operation only, never on a viewer: variables, context and root are its arguments.
 */
export function jitGateway(schema: GraphQLSchema, kept = COMPILED_OPERATIONS_KEPT): Gateway {
  const compiled = new Map<string, CompiledQuery>();
  const executor: Executor = async (request) => {
    // No operation resolved (an unknown operationName): graphql-js says so, and executes nothing.
    if (!request.operation) {
      return execute({ schema, document: request.document, operationName: request.request.operationName, variableValues: request.request.variables, contextValue: request.context });
    }
    // Variables are checked by graphql-js first, as its execute() does: the same errors, which
    // Apollo recognizes as the client's (BAD_USER_INPUT, HTTP 400); graphql-jit coerces them again.
    const variables = request.request.variables ?? {};
    const checked = getVariableValues(schema, request.operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (checked.errors) return { errors: checked.errors };
    // The operation Apollo resolved (a request's operationName may be absent or "" for the only one).
    const operationName = request.operation.name?.value;
    const key = `${request.queryHash}\u0000${operationName ?? ''}`;
    let operation = compiled.get(key);
    if (operation) {
      // Most recently used last: Map keeps insertion order.
      compiled.delete(key);
      compiled.set(key, operation);
    } else {
      const result = compileQuery(schema, request.document, operationName, { disablingCapturingStackErrors: true });
      if (!isCompiledQuery(result)) return result as ExecutionResult;
      operation = result;
      compiled.set(key, operation);
      if (compiled.size > kept) compiled.delete(compiled.keys().next().value as string);
    }
    const result = (await operation.query(undefined, request.context, variables)) as ExecutionResult;
    if (result.errors?.some((e) => e.extensions === undefined)) return { ...result, errors: result.errors.map(withExtensions) };
    return result;
  };
  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async stop() {
      compiled.clear();
    },
  };
}

/**
 * graphql-jit leaves `extensions` undefined on the error of a failure that is not a GraphQLError
 * (a resolver's bug, a driver's error), where graphql-js gives `{}`; Apollo reads
 * `error.extensions.code` and, failing, would answer the error without its path. The same error
 * with empty extensions (it is then masked as INTERNAL_SERVER_ERROR at its path, as with graphql-js).
 */
function withExtensions(error: GraphQLError): GraphQLError {
  if (error.extensions !== undefined) return error;
  const copy = Object.create(GraphQLError.prototype) as Record<string, unknown>;
  copy.message = error.message;
  copy.locations = error.locations;
  copy.path = error.path;
  copy.extensions = {};
  Object.defineProperty(copy, 'originalError', { value: error.originalError, enumerable: false });
  return copy as unknown as GraphQLError;
}
