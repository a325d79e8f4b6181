import { GraphQLError, GraphQLErrorOptions, GraphQLResolveInfo, responsePathAsArray } from 'graphql';

/** The error codes of access-policy.md; every error a client sees carries one of them. */
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
 * An expected refusal of one field, made for each denied field of a large answer (thousands in
 * one response): built already located at the field (so graphql-js does not wrap it in a second
 * error) and without capturing a stack, which nobody reads (clients never see stacks) and which
 * cost more than the rest of the denial.
 */
export function refusal(code: ErrorCode, message: string, extra: Record<string, unknown>, info: GraphQLResolveInfo): DomainError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new DomainError(code, message, extra, { nodes: info.fieldNodes, path: responsePathAsArray(info.path) });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export const notFound = (what: string) => new DomainError(ErrorCode.NOT_FOUND, `${what} not found`);
export const forbidden = (message = 'Not allowed') => new DomainError(ErrorCode.FORBIDDEN, message);
export const conflict = (message: string, extra: Record<string, unknown> = {}) =>
  new DomainError(ErrorCode.CONFLICT, message, extra);

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
