import { FormEvent, useState } from 'react';
import { fieldProblems, generalError, gql, RequestFailed } from '../api';
import { Page } from '../ui';
import { Field } from './DistributorPage';
import { graphql } from '../generated';
import type { ConsoleFindPersonQuery, TypedDocumentString } from '../generated/graphql';

const FIND = graphql(`
  query ConsoleFindPerson($email: String!) {
    users(filter: { email: $email }, first: 20) {
      nodes {
        id
        name
        email
        phone
        status
        organization {
          name
        }
        consentGivenAt
        consentWithdrawnAt
      }
    }
  }
`);
const EXPORT = graphql(`
  mutation ConsoleExport($input: ExportPersonalDataInput!) {
    exportPersonalData(input: $input) {
      document
    }
  }
`);
const RECTIFY = graphql(`
  mutation ConsoleRectify($input: RectifyPersonalDataInput!) {
    rectifyPersonalData(input: $input) {
      user {
        id
        name
        email
        phone
      }
    }
  }
`);
const WITHDRAW = graphql(`
  mutation ConsoleWithdraw($input: WithdrawConsentInput!) {
    withdrawConsent(input: $input) {
      user {
        id
        status
        consentWithdrawnAt
      }
    }
  }
`);

type Person = ConsoleFindPersonQuery['users']['nodes'][number];

/** The privacy officer's desk: find a person by e-mail (in every organization holding it), export, rectify, record a withdrawal. */
export function Dpo() {
  const [email, setEmail] = useState('');
  const [people, setPeople] = useState<Person[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  async function find(event?: FormEvent) {
    event?.preventDefault();
    setFailure(null);
    try {
      const a = await gql(FIND, { email });
      setPeople(a.data!.users.nodes);
      setFailure(generalError(a.errors));
    } catch (e) {
      setFailure(e instanceof RequestFailed ? e.message : String(e));
    }
  }
  return (
    <Page title="Data subject requests">
      <form className="toolbar" role="search" onSubmit={(e) => void find(e)}>
        <label htmlFor="dpo-email">E-mail address</label>
        <input id="dpo-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        <button type="submit">Find</button>
      </form>
      {failure ? (
        <p className="error" role="alert">
          {failure}
        </p>
      ) : null}
      {people && !people.length ? <p>No person with that address.</p> : null}
      {people?.map((p) => (
        <PersonCard key={p.id} person={p} onChanged={() => void find()} />
      ))}
    </Page>
  );
}

function PersonCard({ person, onChanged }: { person: Person; onChanged: () => void }) {
  const [exported, setExported] = useState<string | null>(null);
  const [form, setForm] = useState({ name: person.name ?? '', email: person.email ?? '', phone: person.phone ?? '' });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  async function run<T, I>(document: TypedDocumentString<T, { input: I }>, input: I, done: string) {
    try {
      const a = await gql(document, { input });
      setProblems(fieldProblems(a.errors));
      const general = generalError(a.errors);
      setMessage(general ?? (a.errors.length ? 'Refused: see the fields.' : done));
      return a;
    } catch (e) {
      setMessage(e instanceof RequestFailed ? e.message : String(e));
      return null;
    }
  }
  const id = (f: string) => `${person.id}-${f}`;
  return (
    <section className="card" aria-label={`${person.email ?? person.id} at ${person.organization?.name ?? '—'}`}>
      <h2>
        {person.name ?? '—'} · {person.organization?.name ?? '—'}
      </h2>
      <p>
        Status {person.status}; consent given {person.consentGivenAt?.slice(0, 10) ?? '—'}
        {person.consentWithdrawnAt ? `, withdrawn ${person.consentWithdrawnAt.slice(0, 10)}` : ''}.
      </p>
      <div className="actions">
        <button
          type="button"
          onClick={() =>
            void run(EXPORT, { userId: person.id }, 'Exported.').then((a) => {
              const doc = a?.data?.exportPersonalData?.document;
              if (doc) setExported(JSON.stringify(doc, null, 2));
            })
          }
        >
          Export personal data
        </button>
        <button type="button" onClick={() => void run(WITHDRAW, { userId: person.id, receivedAt: new Date(Date.now() - 60_000).toISOString() }, 'Withdrawal recorded.').then(onChanged)}>
          Record consent withdrawal
        </button>
      </div>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(RECTIFY, { userId: person.id, ...form }, 'Rectified.');
        }}
      >
        {(['name', 'email', 'phone'] as const).map((f) => (
          <Field key={f} id={id(f)} label={f[0].toUpperCase() + f.slice(1)} problem={problems[`input.${f}`] ?? null}>
            <input id={id(f)} value={form[f]} onChange={(e) => setForm({ ...form, [f]: e.target.value })} />
          </Field>
        ))}
        <button type="submit">Rectify</button>
      </form>
      {message ? <p role="status">{message}</p> : null}
      {exported ? (
        <details open>
          <summary>Export (with its recipients)</summary>
          <pre tabIndex={0}>{exported}</pre>
        </details>
      ) : null}
    </section>
  );
}
