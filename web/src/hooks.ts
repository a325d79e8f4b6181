import { useCallback, useEffect, useState } from 'react';
import { Answer, gql, RequestFailed } from './api';

export interface Loaded<T> {
  answer: Answer<T> | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Runs a query when the page opens and whenever its variables change. */
export function useQuery<T>(query: string, variables?: Record<string, unknown>): Loaded<T> {
  const key = JSON.stringify(variables ?? {});
  const [state, setState] = useState<{ answer: Answer<T> | null; error: string | null; loading: boolean }>({ answer: null, error: null, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    gql<T>(query, JSON.parse(key) as Record<string, unknown>)
      .then((answer) => live && setState({ answer, error: null, loading: false }))
      .catch((e: unknown) => live && setState({ answer: null, error: e instanceof RequestFailed ? `${e.message}${e.code ? ` (${e.code})` : ''}` : String(e), loading: false }));
    return () => {
      live = false;
    };
  }, [query, key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
