import { GraphQLParams } from './query-limits';

/**
 * Automatic persisted queries (APQ), resolved BEFORE the limits: a request that names only a
 * hash executes the document registered under it, so that document is what the limits measure
 * (with the request's own operationName). Apollo keeps registering documents (it checks the hash
 * and stores the text once the operation resolved), into this store; the hub reads the text back
 * here and hands Apollo the full text, so Apollo never looks a hash up on its own and can only
 * execute the text the limits saw.
 */

/** Apollo stores APQ entries under this prefix in the cache it is given. */
const APOLLO_APQ_PREFIX = 'apq:';

/**
 * The store Apollo's APQ writes into (Apollo's KeyValueCache interface), bounded by the total
 * length of the documents it holds, least recently used first out. Only documents that passed
 * the limits are registered, so one entry is at most maxDocumentChars long.
 */
export class PersistedQueryStore {
  private readonly entries = new Map<string, string>();
  private size = 0;

  constructor(private readonly maxChars = 4_000_000) {}

  /** The registered document of this hash (sha256 hex), or undefined. */
  lookup(hash: string): string | undefined {
    return this.read(APOLLO_APQ_PREFIX + hash);
  }

  // KeyValueCache, as Apollo calls it.
  async get(key: string): Promise<string | undefined> {
    return this.read(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.remove(key);
    if (value.length > this.maxChars) return;
    this.entries.set(key, value);
    this.size += value.length;
    for (const [oldest, text] of this.entries) {
      if (this.size <= this.maxChars) break;
      this.entries.delete(oldest);
      this.size -= text.length;
    }
  }

  async delete(key: string): Promise<boolean> {
    return this.remove(key);
  }

  private read(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  private remove(key: string): boolean {
    const old = this.entries.get(key);
    if (old === undefined) return false;
    this.entries.delete(key);
    this.size -= old.length;
    return true;
  }
}

/** What a request asks to execute, once its APQ hash (if any) is resolved. */
export type OperationSource =
  /** The text to measure and to execute (the request's own, or the one registered under its hash). */
  | { kind: 'text'; query: string; byHash: boolean }
  /** Only a hash, and no document is registered under it: the client registers it and retries. */
  | { kind: 'not-found' }
  /** No query text and no hash: nothing to execute (Apollo answers with its own error). */
  | { kind: 'none' };

/**
 * The document a request executes: its `query` when that is a string (Apollo checks a hash sent
 * along with it against that text), else the text registered under the string
 * `extensions.persistedQuery.sha256Hash`. Anything else resolves to nothing, and the hub hands
 * Apollo the request without its extensions, so that Apollo cannot find a document by a hash of
 * another shape (a one-element array prints as its hash) behind the limits' back.
 */
export function resolveOperationSource(params: GraphQLParams, store: PersistedQueryStore): OperationSource {
  if (typeof params.query === 'string') return { kind: 'text', query: params.query, byHash: false };
  const extensions = params.extensions;
  const persisted = extensions && typeof extensions === 'object' ? (extensions as { persistedQuery?: unknown }).persistedQuery : undefined;
  const hash = persisted && typeof persisted === 'object' ? (persisted as { sha256Hash?: unknown }).sha256Hash : undefined;
  if (typeof hash !== 'string' || params.query) return { kind: 'none' };
  const query = store.lookup(hash);
  return query === undefined ? { kind: 'not-found' } : { kind: 'text', query, byHash: true };
}
