import { FormEvent, ReactNode, useState } from 'react';
import { day, fieldProblems, generalError, gql, GraphQLError, RequestFailed } from '../api';
import { useQuery } from '../hooks';
import { Loading, Page, Problems } from '../ui';
import { useViewer } from '../viewer';
import { Contract, Timeline } from './Timeline';
import { graphql } from '../generated';
import type { ContractType, TypedDocumentString } from '../generated/graphql';

const DISTRIBUTOR = graphql(`
  query ConsoleDistributor($id: ID!) {
    organization(id: $id) {
      id
      name
      kind
      country
      processingCountries
      transferBasis {
        allowed
        basis
        reason
        denialReason
        validUntil
        contract {
          id
          documentRef
        }
      }
      contracts {
        id
        type
        status
        signedAt
        effectiveFrom
        expiresAt
        terminatedAt
        documentRef
        inForce
      }
    }
  }
`);

// The operations are whole template literals (no interpolation): codegen types them and tests/unit/console-documents.test.ts validates them.
const CREATE = graphql(`
  mutation ConsoleCreateContract($input: CreateContractInput!) {
    createContract(input: $input) {
      contract {
        id
        type
        status
        signedAt
        effectiveFrom
        expiresAt
        terminatedAt
        documentRef
        inForce
      }
    }
  }
`);
const SIGN = graphql(`
  mutation ConsoleSignContract($input: SignContractInput!) {
    signContract(input: $input) {
      contract {
        id
        type
        status
        signedAt
        effectiveFrom
        expiresAt
        terminatedAt
        documentRef
        inForce
      }
    }
  }
`);
const TERMINATE = graphql(`
  mutation ConsoleTerminateContract($input: TerminateContractInput!) {
    terminateContract(input: $input) {
      contract {
        id
        type
        status
        signedAt
        effectiveFrom
        expiresAt
        terminatedAt
        documentRef
        inForce
      }
    }
  }
`);
const UPDATE_COUNTRIES = graphql(`
  mutation ConsoleProcessingCountries($input: UpdateOrganizationInput!) {
    updateOrganization(input: $input) {
      organization {
        id
        processingCountries
      }
    }
  }
`);
const TYPES = ['SCC_2021', 'DPA', 'DPF_CERTIFICATION', 'SCC_2010', 'PRIVACY_SHIELD'];

/** A date field's value (YYYY-MM-DD) as the API's instant: 00:00 UTC of that day. */
const instant = (date: string) => (date ? `${date}T00:00:00.000Z` : null);
const today = () => new Date().toISOString().slice(0, 10);

interface Outcome {
  fields: Record<string, string>;
  general: string | null;
}

/**
 * Runs a mutation; its input errors by field (shown at the form's fields, `shown` names them:
 * "input.type", or "input.processingCountries" for every "input.processingCountries[i]"), and
 * the error that concerns the whole request, or a field the form does not show.
 */
export async function mutate<T, I>(document: TypedDocumentString<T, { input: I }>, input: I, shown: string[]): Promise<Outcome & { ok: boolean; data: T | null }> {
  try {
    const answer = await gql(document, { input });
    const errors: GraphQLError[] = answer.errors;
    const fields: Record<string, string> = {};
    const elsewhere: string[] = [];
    for (const [field, message] of Object.entries(fieldProblems(errors))) {
      const at = shown.find((s) => field === s || field.startsWith(`${s}[`));
      if (at) fields[at] ??= field === at ? message : `${field.slice(at.length)}: ${message}`;
      else elsewhere.push(`${field}: ${message}`);
    }
    return { ok: !errors.length, data: answer.data, fields, general: generalError(errors) ?? (elsewhere.length ? elsewhere.join('; ') : null) };
  } catch (e) {
    const errors = e instanceof RequestFailed ? [{ message: e.message, extensions: { code: e.code } }] : [{ message: String(e) }];
    return { ok: false, data: null, fields: {}, general: generalError(errors) };
  }
}

/** A distributor seen by the vendor: its gate, its contracts as a timeline, and the forms that change them. */
export function DistributorPage({ id }: { id: string }) {
  const viewer = useViewer();
  const { answer, error, loading, reload } = useQuery(DISTRIBUTOR, { id });
  const org = answer?.data?.organization;
  const admin = viewer.role === 'VENDOR_ADMIN';
  return (
    <Page title={org ? org.name : 'Distributor'}>
      <Loading loading={loading} />
      <Problems errors={answer?.errors} failure={error} />
      {org?.transferBasis ? (
        <p className={org.transferBasis.allowed ? 'gate-open' : 'gate-closed'} data-testid="gate-status">
          Transfer gate {org.transferBasis.allowed ? 'open' : 'closed'}: {org.transferBasis.reason}
          {org.transferBasis.denialReason ? ` (${org.transferBasis.denialReason})` : ''}
        </p>
      ) : null}
      {org ? (
        <p>
          Domicile {org.country}; processes personal data in {(org.processingCountries ?? []).join(', ')}.
        </p>
      ) : null}
      {org?.contracts ? <Timeline contracts={org.contracts} /> : null}
      {org?.contracts ? <ContractTable contracts={org.contracts} admin={admin} onChanged={reload} /> : null}
      {org && admin ? <CreateContract distributorId={org.id} onCreated={reload} /> : null}
      {org && admin ? <ProcessingCountries key={(org.processingCountries ?? []).join()} organizationId={org.id} countries={org.processingCountries ?? []} onSaved={reload} /> : null}
    </Page>
  );
}

function ContractTable({ contracts, admin, onChanged }: { contracts: Contract[]; admin: boolean; onChanged: () => void }) {
  return (
    <section className="card" aria-labelledby="contracts-title">
      <h2 id="contracts-title">Contracts ({contracts.length})</h2>
      <table data-testid="contracts">
        <thead>
          <tr>
            <th scope="col">Document</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">In force</th>
            <th scope="col">Effective</th>
            <th scope="col">Signed</th>
            <th scope="col">Expires</th>
            <th scope="col">Terminated</th>
            {admin ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {contracts.map((c) => (
            <tr key={c.id} data-contract={c.documentRef ?? c.id}>
              <td>{c.documentRef ?? '—'}</td>
              <td>{c.type}</td>
              <td>{c.status}</td>
              <td>{c.inForce ? 'yes' : 'no'}</td>
              <td>{day(c.effectiveFrom)}</td>
              <td>{day(c.signedAt)}</td>
              <td>{c.expiresAt ? day(c.expiresAt) : 'open-ended'}</td>
              <td>{day(c.terminatedAt)}</td>
              {admin ? (
                <td>
                  {c.status === 'DRAFT' ? (
                    <DateAction
                      contract={c}
                      label="Signed on"
                      button="Sign"
                      field="signedAt"
                      run={(at) => mutate(SIGN, { contractId: c.id, signedAt: at }, ['input.signedAt', 'input.contractId'])}
                      onDone={onChanged}
                    />
                  ) : null}
                  {c.status === 'SIGNED' ? (
                    <DateAction
                      contract={c}
                      label="Terminate on"
                      button="Terminate"
                      field="terminatedAt"
                      run={(at) => mutate(TERMINATE, { contractId: c.id, terminatedAt: at }, ['input.terminatedAt', 'input.contractId'])}
                      onDone={onChanged}
                    />
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Sign or terminate one contract on a date; the API's error shows at the date field. */
function DateAction({
  contract,
  label,
  button,
  field,
  run,
  onDone,
}: {
  contract: Contract;
  label: string;
  button: string;
  field: string;
  run: (at: string) => Promise<Outcome & { ok: boolean }>;
  onDone: () => void;
}) {
  const [date, setDate] = useState(today());
  const [outcome, setOutcome] = useState<Outcome>({ fields: {}, general: null });
  const id = `${field}-${contract.id}`;
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await run(instant(date) ?? '');
    setOutcome(result);
    if (result.ok) onDone();
  }
  const problem = outcome.fields[`input.${field}`] ?? outcome.fields['input.contractId'];
  return (
    <form className="inline" onSubmit={(e) => void submit(e)} aria-label={`${button} ${contract.documentRef ?? contract.type}`}>
      <Field id={id} label={`${label} (${contract.documentRef ?? contract.type})`} problem={problem ?? null}>
        <input id={id} type="date" value={date} onChange={(e) => setDate(e.target.value)} aria-invalid={problem ? true : undefined} aria-describedby={problem ? `${id}-problem` : undefined} />
      </Field>
      <button type="submit">{button}</button>
      {outcome.general ? (
        <p className="field-problem" role="alert">
          {outcome.general}
        </p>
      ) : null}
    </form>
  );
}

/** A labelled input with its problem under it (the API's BAD_USER_INPUT for this field). */
export function Field({ id, label, problem, children }: { id: string; label: string; problem: string | null; children: ReactNode }) {
  return (
    <div className={problem ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
      {problem ? (
        <p className="field-problem" id={`${id}-problem`} role="alert" data-field-problem={id}>
          {problem}
        </p>
      ) : null}
    </div>
  );
}

function CreateContract({ distributorId, onCreated }: { distributorId: string; onCreated: () => void }) {
  const [form, setForm] = useState({ type: 'SCC_2021', effectiveFrom: today(), expiresAt: '', documentRef: '' });
  const [outcome, setOutcome] = useState<Outcome>({ fields: {}, general: null });
  const [created, setCreated] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  async function submit(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    if (!form.effectiveFrom) return setOutcome({ fields: { 'input.effectiveFrom': 'is required' }, general: null });
    const input = {
      distributorId,
      type: form.type as ContractType,
      effectiveFrom: `${form.effectiveFrom}T00:00:00.000Z`,
      expiresAt: instant(form.expiresAt),
      documentRef: form.documentRef.trim() || null,
    };
    const result = await mutate(CREATE, input, ['input.type', 'input.effectiveFrom', 'input.expiresAt', 'input.documentRef']);
    setOutcome(result);
    if (result.ok) {
      setCreated(`Contract ${input.documentRef ?? input.type} created as a draft: sign it to put it in force.`);
      onCreated();
    }
  }
  const p = (f: string) => outcome.fields[`input.${f}`] ?? null;
  const aria = (f: string) => (p(f) ? { 'aria-invalid': true, 'aria-describedby': `contract-${f}-problem` } : {});
  return (
    <section className="card" aria-labelledby="create-title">
      <h2 id="create-title">New contract</h2>
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <Field id="contract-type" label="Type" problem={p('type')}>
          <select id="contract-type" value={form.type} onChange={set('type')} {...aria('type')}>
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field id="contract-effectiveFrom" label="Effective from" problem={p('effectiveFrom')}>
          <input id="contract-effectiveFrom" type="date" value={form.effectiveFrom} onChange={set('effectiveFrom')} {...aria('effectiveFrom')} />
        </Field>
        <Field id="contract-expiresAt" label="Expires (empty: open-ended)" problem={p('expiresAt')}>
          <input id="contract-expiresAt" type="date" value={form.expiresAt} onChange={set('expiresAt')} {...aria('expiresAt')} />
        </Field>
        <Field id="contract-documentRef" label="Document reference" problem={p('documentRef')}>
          <input id="contract-documentRef" type="text" value={form.documentRef} onChange={set('documentRef')} {...aria('documentRef')} />
        </Field>
        <button type="submit">Create contract</button>
        {outcome.general ? (
          <p className="field-problem" role="alert">
            {outcome.general}
          </p>
        ) : null}
        {created ? <p role="status">{created}</p> : null}
      </form>
    </section>
  );
}

/** Where the distributor processes personal data (ISO 3166-1 alpha-2 codes): the countries its transfer gate looks at. */
function ProcessingCountries({ organizationId, countries, onSaved }: { organizationId: string; countries: string[]; onSaved: () => void }) {
  const [value, setValue] = useState(countries.join(', '));
  const [outcome, setOutcome] = useState<Outcome>({ fields: {}, general: null });
  async function submit(event: FormEvent) {
    event.preventDefault();
    const processingCountries = value
      .split(/[\s,]+/)
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean);
    const result = await mutate(UPDATE_COUNTRIES, { organizationId, processingCountries }, ['input.processingCountries']);
    setOutcome(result);
    if (result.ok) onSaved();
  }
  const problem = outcome.fields['input.processingCountries'] ?? null;
  return (
    <section className="card" aria-labelledby="countries-title">
      <h2 id="countries-title">Processing countries</h2>
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <Field id="processing-countries" label="Processes personal data in (country codes, comma-separated)" problem={problem}>
          <input
            id="processing-countries"
            type="text"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'processing-countries-problem' : undefined}
          />
        </Field>
        <button type="submit">Save countries</button>
        {outcome.general ? (
          <p className="field-problem" role="alert">
            {outcome.general}
          </p>
        ) : null}
      </form>
    </section>
  );
}
