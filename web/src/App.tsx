import { useEffect, useState } from 'react';
import { credential, gql, RequestFailed, SIGNED_OUT, signOut } from './api';
import { AuditTrail } from './pages/AuditTrail';
import { CustomerPage } from './pages/CustomerPage';
import { Customers } from './pages/Customers';
import { DistributorHome } from './pages/DistributorHome';
import { DistributorPage } from './pages/DistributorPage';
import { Distributors } from './pages/Distributors';
import { Dpo } from './pages/Dpo';
import { SeeAs } from './pages/SeeAs';
import { SignIn } from './pages/SignIn';
import { go, href, useRoute } from './router';
import { isDistributor, isVendor, Viewer, VIEWER_QUERY, ViewerContext } from './viewer';

/** The console: sign-in, then the pages the viewer's role uses, all through the public GraphQL API. */
export function App() {
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const route = useRoute();

  useEffect(() => {
    if (!credential()) return setViewer(null);
    gql(VIEWER_QUERY)
      .then((a) => setViewer(a.data!.viewer))
      .catch((e: unknown) => {
        signOut();
        setViewer(null);
        setFailure(e instanceof RequestFailed ? `Sign-in refused: ${e.message}` : String(e));
      });
  }, [round]);

  // A query refused with HTTP 401 (an expired token) signs out: back to the sign-in page, saying why.
  useEffect(() => {
    const onSignedOut = (event: Event) => {
      setViewer(null);
      setFailure(`Signed out: ${String((event as CustomEvent<string>).detail)}`);
    };
    window.addEventListener(SIGNED_OUT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT, onSignedOut);
  }, []);

  // Each new page moves the focus to its title, as a screen reader user expects.
  useEffect(() => {
    document.getElementById('page-title')?.focus();
  }, [route.join('/'), viewer]);

  if (!viewer) {
    return (
      <Shell viewer={null}>
        <SignIn
          failure={failure}
          onSignedIn={() => {
            setFailure(null);
            go('');
            setRound((r) => r + 1);
          }}
        />
      </Shell>
    );
  }
  return (
    <ViewerContext.Provider value={viewer}>
      <Shell
        viewer={viewer}
        onSignOut={() => {
          signOut();
          go('');
          setRound((r) => r + 1);
        }}
      >
        <Routed route={route} viewer={viewer} />
      </Shell>
    </ViewerContext.Provider>
  );
}

function Routed({ route, viewer }: { route: string[]; viewer: Viewer }) {
  const [first, second] = route;
  if (first === 'customers' && second) return <CustomerPage id={second} />;
  if (first === 'customers') return <Customers />;
  if (first === 'distributors' && second) return <DistributorPage id={second} />;
  if (first === 'distributors') return <Distributors />;
  if (first === 'audit') return <AuditTrail />;
  if (first === 'dpo') return <Dpo />;
  if (first === 'see-as' && viewer.role === 'VENDOR_ADMIN') return <SeeAs />;
  if (first === 'home' || !first) {
    if (viewer.role === 'PRIVACY_OFFICER') return <Dpo />;
    if (isVendor(viewer)) return <Distributors />;
    return <DistributorHome />;
  }
  return <p>No such page.</p>;
}

/** Whether the hub serves the explorer (in development, or in production with EXPLORER_ENABLED=true). */
function useExplorerServed(): boolean {
  const [served, setServed] = useState(false);
  useEffect(() => {
    fetch('/explorer/', { method: 'HEAD' })
      .then((res) => setServed(res.ok))
      .catch(() => setServed(false));
  }, []);
  return served;
}

function Shell({ viewer, onSignOut, children }: { viewer: Viewer | null; onSignOut?: () => void; children: React.ReactNode }) {
  const explorer = useExplorerServed();
  const links: [string, string][] = [];
  if (viewer) {
    links.push(['Home', href('home')]);
    if (isDistributor(viewer) || isVendor(viewer)) links.push(['Customers', href('customers')]);
    if (isVendor(viewer)) links.push(['Distributors', href('distributors')]);
    if (viewer.role === 'VENDOR_ADMIN' || viewer.role === 'PRIVACY_OFFICER') links.push(['Audit trail', href('audit')]);
    if (viewer.role === 'VENDOR_ADMIN') links.push(['See as', href('see-as')]);
    if (viewer.role === 'PRIVACY_OFFICER') links.push(['Data subjects', href('dpo')]);
    // The explorer is its own page (GraphiQL): it opens in this tab, where the sign-in is kept.
    if (explorer) links.push(['Explorer', '/explorer/']);
  }
  return (
    <>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('page-title')?.focus())}>
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Partner hub console</span>
        {viewer ? (
          <nav aria-label="Main">
            <ul>
              {links.map(([label, to]) => (
                <li key={to}>
                  <a href={to}>{label}</a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        {viewer ? (
          <div className="who">
            <span data-testid="signed-in-as">
              {viewer.user?.email ?? 'API key'} · {viewer.organization.name} · {viewer.role}
            </span>
            <button type="button" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      <main id="main">{children}</main>
    </>
  );
}
