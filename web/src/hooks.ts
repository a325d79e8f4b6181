import { useCallback, useContext, useEffect, useState } from 'react';
import { Answer, credential, gql, RequestFailed, seeAsHeaders } from './api';
import { SeeAsContext } from './see-as';
import type { TypedDocumentString } from './generated/graphql';

export interface Loaded<T> {
  answer: Answer<T> | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Runs a query when the page opens and whenever its variables change (inside a "see as", with its headers). */
export function useQuery<T, V>(document: TypedDocumentString<T, V>, variables?: V): Loaded<T> {
  const headers = JSON.stringify(seeAsHeaders(useContext(SeeAsContext)));
  const key = JSON.stringify(variables ?? {});
  const [state, setState] = useState<{ answer: Answer<T> | null; error: string | null; loading: boolean }>({ answer: null, error: null, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    gql(document, JSON.parse(key) as V, credential(), JSON.parse(headers) as Record<string, string>)
      .then((answer) => live && setState({ answer, error: null, loading: false }))
      .catch((e: unknown) => live && setState({ answer: null, error: e instanceof RequestFailed ? `${e.message}${e.code ? ` (${e.code})` : ''}` : String(e), loading: false }));
    return () => {
      live = false;
    };
  }, [document, key, headers, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
