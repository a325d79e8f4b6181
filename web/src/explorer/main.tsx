// The explorer (GraphiQL) at /explorer/: its own Vite entry, so the console's bundle does not
// carry GraphiQL and its editor (Monaco, whose web workers Vite bundles from the installed
// packages: no CDN). Queries go to the hub's own /graphql with the console's sign-in.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './explorer.css';
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { credential } from '../api';

/** GraphiQL's fetcher: POST /graphql (same origin), the console's token as a bearer credential. */
function fetcherFor(token: string): GraphiQLProps['fetcher'] {
  return async (params) => {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(params),
    });
    return (await res.json()) as Record<string, unknown>;
  };
}

/**
 * GraphiQL's storage (tabs, history, settings) in the tab's sessionStorage, like the console's
 * sign-in: queries and their variables may name people, and nothing outlives the tab. Its
 * "clear storage" removes GraphiQL's keys only, never the console's credential.
 */
const graphiqlKeys = () => Object.keys(sessionStorage).filter((k) => k.startsWith('graphiql:'));
const tabStorage = {
  get length() {
    return graphiqlKeys().length;
  },
  key: (i: number) => graphiqlKeys()[i] ?? null,
  getItem: (k: string) => sessionStorage.getItem(k),
  setItem: (k: string, v: string) => sessionStorage.setItem(k, v),
  removeItem: (k: string) => sessionStorage.removeItem(k),
  clear: () => graphiqlKeys().forEach((k) => sessionStorage.removeItem(k)),
} as Storage;

const token = credential();
const fetcher = token ? fetcherFor(token) : null;

function Explorer() {
  if (!fetcher) {
    return (
      <main className="explorer-note">
        <h1>Partner hub explorer</h1>
        <p>
          The explorer runs queries with the console&apos;s sign-in. <a href="/">Sign in in the console</a>, then come back to <a href="/explorer/">the explorer</a> in the same tab.
        </p>
      </main>
    );
  }
  // ?query=… opens the explorer with that query (a link from the docs or the console).
  const initialQuery = new URLSearchParams(window.location.search).get('query') ?? undefined;
  return (
    <div className="explorer">
      <header className="explorer-top">
        <span>Partner hub explorer · queries run with the console&apos;s sign-in</span>
        <a href="/">Back to the console</a>
      </header>
      <main className="explorer-main">
        <GraphiQL fetcher={fetcher} storage={tabStorage} initialQuery={initialQuery} defaultQuery={'{\n  viewer {\n    role\n  }\n}\n'} />
      </main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Explorer />
  </StrictMode>,
);
