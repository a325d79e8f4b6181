import { NodeType, toGlobalId } from '../../src/common/global-id';
import { GraphQLResponse } from './hub';

/**
 * Helpers for the authorization end-to-end tests (transfer gate, bypass attempts, audit):
 * global ids of seed rows, the errors of a response by path, and leak checks.
 */

/** The global id of a seed row (the same encoding the hub uses; clients treat it as opaque). */
export const gid = (type: NodeType, uuid: string): string => toGlobalId(type, uuid);

export interface ErrorEntry {
  path: string;
  code: string | undefined;
  message: string;
}

/** "a.b.0.c" for a response path. */
export const pathKey = (path: readonly (string | number)[] | undefined): string => (path ?? []).join('.');

/** The errors of a response as { path, code, message }, sorted by path. */
export function errorEntries(r: GraphQLResponse): ErrorEntry[] {
  return (r.body.errors ?? [])
    .map((e) => ({ path: pathKey(e.path), code: e.extensions?.code as string | undefined, message: e.message }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The sorted paths of the errors with this code. */
export function errorPaths(r: GraphQLResponse, code: string): string[] {
  return errorEntries(r)
    .filter((e) => e.code === code)
    .map((e) => e.path)
    .sort();
}

/** The distinct codes of a response's errors. */
export function errorCodes(r: GraphQLResponse): string[] {
  return [...new Set(errorEntries(r).map((e) => String(e.code)))].sort();
}

/** Every string anywhere inside a JSON value. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringsIn(v, out));
  return out;
}

/** Values at keys named in `keys`, anywhere inside a JSON value (e.g. every `email`). */
export function valuesAtKeys(value: unknown, keys: readonly string[], out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) value.forEach((v) => valuesAtKeys(v, keys, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (keys.includes(k)) out.push(v);
      valuesAtKeys(v, keys, out);
    }
  }
  return out;
}

/**
 * The denied values that show up in `text`. A value that is also part of data the viewer may
 * read (`publicText`, e.g. the city "Abu Dhabi" inside the organization name "Abu Dhabi Marina
 * Services LLC") cannot be told apart in the body and is checked only against `strictText`.
 */
export function leaks(deniedValues: readonly string[], text: string, publicText = ''): string[] {
  return [...new Set(deniedValues)].filter((v) => v.length >= 3 && text.includes(v) && !publicText.includes(v));
}

export const deepCopy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
