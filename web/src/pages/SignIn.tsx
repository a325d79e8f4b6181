import { FormEvent, useEffect, useState } from 'react';
import { signIn } from '../api';
import { Page } from '../ui';

interface Persona {
  userId: string;
  email: string;
  name: string;
  role: string;
  organization: string;
}

/**
 * Sign-in. In development the hub lists the seed world's personas (GET /dev/personas) and mints
 * a short-lived token for the one picked (POST /dev/token); in production those paths do not
 * exist and the user pastes a bearer token or an API key from the portal. Either is kept in
 * sessionStorage: for this tab only, gone when it closes.
 */
export function SignIn({ failure, onSignedIn }: { failure: string | null; onSignedIn: () => void }) {
  const [personas, setPersonas] = useState<Persona[] | null>(null);
  const [pasted, setPasted] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    fetch('/dev/personas')
      .then(async (res) => (res.ok ? setPersonas(((await res.json()) as { personas: Persona[] }).personas) : setPersonas([])))
      .catch(() => setPersonas([]));
  }, []);

  async function asPersona(userId: string) {
    const res = await fetch('/dev/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
    if (!res.ok) return setProblem(`The hub refused a development token (HTTP ${res.status}).`);
    signIn(((await res.json()) as { token: string }).token);
    onSignedIn();
  }

  function withPasted(event: FormEvent) {
    event.preventDefault();
    const value = pasted.trim().replace(/^Bearer\s+/i, '');
    if (!value) return setProblem('Paste a bearer token or an API key.');
    signIn(value);
    onSignedIn();
  }

  return (
    <Page title="Sign in">
      {failure || problem ? (
        <div className="error" role="alert">
          <p>{failure ?? problem}</p>
        </div>
      ) : null}
      {personas?.length ? (
        <section aria-labelledby="personas-title" className="card">
          <h2 id="personas-title">Development: sign in as a persona of the seed world</h2>
          <ul className="personas">
            {personas.map((p) => (
              <li key={p.userId}>
                <button type="button" onClick={() => void asPersona(p.userId)} data-email={p.email}>
                  <span className="persona-email">{p.email}</span>
                  <span className="persona-org">
                    {p.organization} · {p.role}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="token-title" className="card">
        <h2 id="token-title">Sign in with a token or an API key</h2>
        <form onSubmit={withPasted}>
          <label htmlFor="credential">Bearer token (from the portal) or API key (mbxk_…)</label>
          <textarea id="credential" rows={3} value={pasted} onChange={(e) => setPasted(e.target.value)} autoComplete="off" spellCheck={false} />
          <p className="hint">Kept for this browser tab only (sessionStorage); closing the tab signs you out.</p>
          <button type="submit">Sign in</button>
        </form>
      </section>
    </Page>
  );
}
