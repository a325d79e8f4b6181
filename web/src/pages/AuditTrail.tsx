import { FormEvent, useState } from 'react';
import { useQuery } from '../hooks';
import { Loading, Page, Problems, Table } from '../ui';
import { graphql } from '../generated';
import type { AuditOutcome } from '../generated/graphql';

const AUDIT = graphql(`
  query ConsoleAudit($filter: AuditEventFilter, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        at
        actorType
        actorId
        actorOrganization {
          name
        }
        action
        subjectType
        subjectId
        fields
        purpose
        outcome
        requestId
      }
    }
  }
`);

interface Filter {
  action: string;
  outcome: string;
  since: string;
  until: string;
}

/** The audit trail (VENDOR_ADMIN, PRIVACY_OFFICER), newest first, with the API's filters.
 * Over 60 lines: one page's markup, top to bottom, over its own state. */
export function AuditTrail() {
  const [form, setForm] = useState<Filter>({ action: '', outcome: '', since: '', until: '' });
  const [filter, setFilter] = useState<Filter>(form);
  const [after, setAfter] = useState<string[]>([]);
  const variables = {
    filter: {
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.outcome ? { outcome: filter.outcome as AuditOutcome } : {}),
      ...(filter.since ? { since: `${filter.since}T00:00:00.000Z` } : {}),
      ...(filter.until ? { until: `${filter.until}T00:00:00.000Z` } : {}),
    },
    first: 20,
    after: after[after.length - 1] ?? null,
  };
  const { answer, error, loading } = useQuery(AUDIT, variables);
  const data = answer?.data?.auditEvents;
  const set = (key: keyof Filter) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  function submit(event: FormEvent) {
    event.preventDefault();
    setFilter(form);
    setAfter([]);
  }
  return (
    <Page title="Audit trail">
      <form className="toolbar" onSubmit={submit} aria-label="Filter the audit trail">
        <label htmlFor="audit-action">Action</label>
        <input id="audit-action" value={form.action} onChange={set('action')} placeholder="personal_data.read" />
        <label htmlFor="audit-outcome">Outcome</label>
        <select id="audit-outcome" value={form.outcome} onChange={set('outcome')}>
          <option value="">any</option>
          <option value="ALLOWED">allowed</option>
          <option value="DENIED">denied</option>
        </select>
        <label htmlFor="audit-since">From</label>
        <input id="audit-since" type="date" value={form.since} onChange={set('since')} />
        <label htmlFor="audit-until">Before</label>
        <input id="audit-until" type="date" value={form.until} onChange={set('until')} />
        <button type="submit">Filter</button>
      </form>
      <Loading loading={loading} />
      <Problems errors={answer?.errors} failure={error} />
      {data ? (
        <>
          <p data-testid="audit-count">{data.totalCount} events</p>
          <Table
            testId="audit"
            headers={['At', 'Actor', 'Action', 'Subject', 'Fields', 'Purpose', 'Outcome']}
            rows={data.nodes.map((e) => ({
              key: e.id,
              cells: [
                e.at.replace('T', ' ').slice(0, 19),
                `${e.actorType}${e.actorOrganization ? ` · ${e.actorOrganization.name}` : ''}`,
                e.action,
                e.subjectType,
                e.fields.join(', '),
                e.purpose,
                e.outcome,
              ],
            }))}
          />
          <nav className="pager" aria-label="Pages of the audit trail">
            <button type="button" disabled={!after.length} onClick={() => setAfter(after.slice(0, -1))}>
              Newer
            </button>
            <button type="button" disabled={!data.pageInfo.hasNextPage} onClick={() => setAfter([...after, data.pageInfo.endCursor!])}>
              Older
            </button>
          </nav>
        </>
      ) : null}
    </Page>
  );
}
