import { FieldNode, getLocation, GraphQLError, GraphQLErrorOptions, GraphQLResolveInfo, responsePathAsArray, SourceLocation } from 'graphql';

/** The error codes of docs/access-policy.md; every error a client sees carries one of them. */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  TRANSFER_BASIS_REQUIRED = 'TRANSFER_BASIS_REQUIRED',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  RATE_LIMITED = 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.RATE_LIMITED]: 429,
};

/** A domain error: services throw these; they map to GraphQL errors in one place. */
export class DomainError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
    at?: Pick<GraphQLErrorOptions, 'nodes' | 'path'>,
  ) {
    const status = HTTP_STATUS[code];
    super(message, { ...at, extensions: { code, ...extra, ...(status ? { http: { status } } : {}) } });
  }
}

/**
 * An expected refusal of one field, made for each denied field of a large answer. It is a
 * DomainError as graphql-js and Apollo read one (message, path, locations, extensions; already
 * located at the field, so graphql-js does not wrap it in a second error), made without running
 * GraphQLError's constructor, which turns every instance into a slow dictionary object and
 * captures a stack (docs/decisions/0005-cheap-field-refusals.md). tests/unit/refusal.test.ts proves the answer is the same as with `new DomainError`.
 */
export function refusal(code: ErrorCode, message: string, extra: Record<string, unknown>, info: GraphQLResolveInfo): DomainError {
  const error = Object.create(DomainError.prototype) as Record<string, unknown>;
  error.message = message;
  error.code = code;
  error.path = responsePathAsArray(info.path);
  // What graphql-js would compute from the field's nodes, once per field of the query rather
  // than by scanning the document again for every denied value.
  error.locations = locationsOf(info.fieldNodes);
  const status = HTTP_STATUS[code];
  error.extensions = { code, ...extra, ...(status ? { http: { status } } : {}) };
  return error as unknown as DomainError;
}

const fieldLocations = new WeakMap<readonly FieldNode[], SourceLocation[] | undefined>();
function locationsOf(nodes: readonly FieldNode[]): SourceLocation[] | undefined {
  if (!fieldLocations.has(nodes)) {
    const located = nodes.flatMap((node) => (node.loc ? [getLocation(node.loc.source, node.loc.start)] : []));
    fieldLocations.set(nodes, located.length ? located : undefined);
  }
  return fieldLocations.get(nodes);
}

export const notFound = (what: string) => new DomainError(ErrorCode.NOT_FOUND, `${what} not found`);
export const forbidden = (message = 'Not allowed') => new DomainError(ErrorCode.FORBIDDEN, message);
export const conflict = (message: string, extra: Record<string, unknown> = {}) => new DomainError(ErrorCode.CONFLICT, message, extra);

/** One input problem, named by its field path (e.g. "input.seats" or "first"). */
export interface InputProblem {
  field: string;
  message: string;
}

export function badInput(problems: InputProblem[] | InputProblem): DomainError {
  const list = Array.isArray(problems) ? problems : [problems];
  const message = list.map((p) => `${p.field}: ${p.message}`).join('; ');
  return new DomainError(ErrorCode.BAD_USER_INPUT, message, {
    field: list[0]?.field,
    problems: list,
  });
}

export function unauthenticated(reason: string): DomainError {
  return new DomainError(ErrorCode.UNAUTHENTICATED, reason);
}
