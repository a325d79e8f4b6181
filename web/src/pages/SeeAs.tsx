import { FormEvent, useEffect, useState } from 'react';
import { credential, day, gql, RequestFailed, SeeAsTarget, seeAsHeaders } from '../api';
import { useQuery } from '../hooks';
import { SeeAsContext } from '../see-as';
import { Loading, Page, Problems } from '../ui';
import { Viewer, VIEWER_QUERY, ViewerContext } from '../viewer';
import { graphql } from '../generated';
import type { ConsoleSeeAsDistributorsQuery } from '../generated/graphql';
import { DistributorHome } from './DistributorHome';

const DISTRIBUTORS = graphql(`
  query ConsoleSeeAsDistributors {
    organizations(kind: DISTRIBUTOR, first: 100) {
      nodes {
        id
        name
        contracts {
          id
          documentRef
          type
          effectiveFrom
          expiresAt
          terminatedAt
        }
      }
    }
  }
`);

type Distributor = ConsoleSeeAsDistributorsQuery['organizations']['nodes'][number];

/** The day after an ISO instant (a contract's last day is over: what does the distributor see then?). */
const dayAfter = (iso: string) => new Date(new Date(iso).getTime() + 86_400_000).toISOString().slice(0, 10);

/** The instants a distributor's contracts suggest: the day after each expiry or termination, and each start. */
function instantsOf(d: Distributor | undefined): { value: string; label: string }[] {
  const out: { value: string; label: string }[] = [];
  for (const c of d?.contracts ?? []) {
    const name = c.documentRef ?? c.type;
    if (c.expiresAt) out.push({ value: dayAfter(c.expiresAt), label: `${dayAfter(c.expiresAt)}: the day after ${name} expires` });
    if (c.terminatedAt) out.push({ value: dayAfter(c.terminatedAt), label: `${dayAfter(c.terminatedAt)}: the day after ${name} ends` });
    out.push({ value: day(c.effectiveFrom), label: `${day(c.effectiveFrom)}: ${name} takes effect` });
  }
  return out.sort((a, b) => (a.value < b.value ? -1 : 1));
}

/**
 * "See as" (VENDOR_ADMIN): pick a distributor, an instant (now, a date its contracts suggest, or
 * another) and a purpose; the distributor's home as its admin would see it then, under a bar that
 * says so. Every query within carries the See-As headers (audited by the hub with the purpose).
 */
export function SeeAs() {
  const [target, setTarget] = useState<SeeAsTarget | null>(null);
  if (target) {
    return (
      <>
        <section className="see-as-bar" role="region" aria-label="See as" data-testid="see-as-bar">
          <p>
            Seeing as <strong>{target.name}</strong> at <strong>{target.at ?? 'now'}</strong>: read-only, audited as yours (purpose: {target.purpose}).
          </p>
          <button type="button" onClick={() => setTarget(null)}>
            Stop seeing as
          </button>
        </section>
        <SeenAs target={target} />
      </>
    );
  }
  return <SeeAsForm onSee={setTarget} />;
}

/** Over 60 lines: one form's markup, its three fields with their labels. */
function SeeAsForm({ onSee }: { onSee: (t: SeeAsTarget) => void }) {
  const { answer, error, loading } = useQuery(DISTRIBUTORS);
  const distributors: Distributor[] = answer?.data?.organizations.nodes ?? [];
  const [id, setId] = useState('');
  const [instant, setInstant] = useState('now');
  const [other, setOther] = useState('');
  const [purpose, setPurpose] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const chosen = distributors.find((d) => d.id === id);
  useEffect(() => setInstant('now'), [id]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return setProblem('Pick a distributor.');
    if (purpose.trim().length < 3) return setProblem('Say why you look (3 to 200 characters): it is recorded in the audit trail.');
    const at = instant === 'now' ? null : instant === 'other' ? other : instant;
    if (instant === 'other' && !other) return setProblem('Pick a date.');
    setProblem(null);
    onSee({ organizationId: chosen.id, name: chosen.name, at, purpose: purpose.trim() });
  };
  return (
    <Page title="See as a distributor">
      <Loading loading={loading} />
      <Problems failure={error} />
      <p>The distributor&apos;s home exactly as its admin sees it at the instant you pick: same rows, same fields, same transfer gate. Read-only; recorded in the audit trail with your purpose.</p>
      <form className="form" onSubmit={submit} aria-label="See as">
        <label htmlFor="see-as-distributor">Distributor</label>
        <select id="see-as-distributor" value={id} onChange={(e) => setId(e.target.value)}>
          <option value="">Pick a distributor</option>
          {distributors.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <label htmlFor="see-as-instant">Instant</label>
        <select id="see-as-instant" value={instant} onChange={(e) => setInstant(e.target.value)}>
          <option value="now">Now</option>
          {instantsOf(chosen).map((o) => (
            <option key={o.label} value={o.value}>
              {o.label}
            </option>
          ))}
          <option value="other">Another date…</option>
        </select>
        {instant === 'other' ? (
          <>
            <label htmlFor="see-as-date">Date</label>
            <input id="see-as-date" type="date" value={other} onChange={(e) => setOther(e.target.value)} />
          </>
        ) : null}
        <label htmlFor="see-as-purpose">Purpose</label>
        <input id="see-as-purpose" type="text" maxLength={200} value={purpose} onChange={(e) => setPurpose(e.target.value)} placeholder="e.g. support ticket 4711" />
        {problem ? (
          <p className="error" role="alert">
            {problem}
          </p>
        ) : null}
        <button type="submit">See as</button>
      </form>
    </Page>
  );
}

/** The organization's own viewer (asked with the See-As headers), then its home with that viewer. */
function SeenAs({ target }: { target: SeeAsTarget }) {
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    gql(VIEWER_QUERY, undefined, credential(), seeAsHeaders(target))
      .then((a) => live && setViewer(a.data!.viewer))
      .catch((e: unknown) => live && setFailure(e instanceof RequestFailed ? `${e.message}${e.code ? ` (${e.code})` : ''}` : String(e)));
    return () => {
      live = false;
    };
  }, [target]);
  if (failure) return <Problems failure={failure} />;
  if (!viewer) return <Loading loading />;
  return (
    <SeeAsContext.Provider value={target}>
      <ViewerContext.Provider value={viewer}>
        <DistributorHome />
      </ViewerContext.Provider>
    </SeeAsContext.Provider>
  );
}
