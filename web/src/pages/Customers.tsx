import { FormEvent, useState } from 'react';
import { withheldPaths } from '../api';
import { useQuery } from '../hooks';
import { href } from '../router';
import { GateBanner, Loading, Page, Personal, Problems, Table } from '../ui';
import { graphql } from '../generated';
import type { OrderDirection, OrganizationOrderField } from '../generated/graphql';

const CUSTOMERS = graphql(`
  query ConsoleCustomers($search: String, $orderBy: OrganizationOrder, $first: Int, $after: String, $last: Int, $before: String) {
    customers(search: $search, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        id
        name
        country
        email
        phone
        licenseSummary {
          total
          seats {
            total
            used
          }
        }
      }
    }
  }
`);

const PAGE = 10;
const SORTS: Record<string, { field: OrganizationOrderField; direction: OrderDirection; label: string }> = {
  'NAME.ASC': { field: 'NAME', direction: 'ASC', label: 'Name, A to Z' },
  'NAME.DESC': { field: 'NAME', direction: 'DESC', label: 'Name, Z to A' },
  'CREATED_AT.DESC': { field: 'CREATED_AT', direction: 'DESC', label: 'Newest first' },
  'CREATED_AT.ASC': { field: 'CREATED_AT', direction: 'ASC', label: 'Oldest first' },
};

type Cursor = { first: number; after?: string } | { last: number; before: string };

/** Customers: search (the folded name), sort (orderBy) and paging both ways with the connection's cursors.
 * Over 60 lines: one page's markup, top to bottom, over its own state. */
export function Customers() {
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState('NAME.ASC');
  const [cursor, setCursor] = useState<Cursor>({ first: PAGE });
  const { field, direction } = SORTS[sort];
  const { answer, error, loading } = useQuery(CUSTOMERS, { search: search || null, orderBy: { field, direction }, ...cursor });
  const data = answer?.data?.customers;
  const withheld = withheldPaths(answer?.errors ?? []);

  function submit(event: FormEvent) {
    event.preventDefault();
    setSearch(typed.trim());
    setCursor({ first: PAGE });
  }

  return (
    <Page title="Customers">
      <form className="toolbar" role="search" onSubmit={submit}>
        <label htmlFor="customer-search">Search by name</label>
        <input id="customer-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />
        <button type="submit">Search</button>
        <label htmlFor="customer-sort">Sort</label>
        <select
          id="customer-sort"
          value={sort}
          onChange={(e) => {
            setSort(e.target.value);
            setCursor({ first: PAGE });
          }}
        >
          {Object.entries(SORTS).map(([key, s]) => (
            <option key={key} value={key}>
              {s.label}
            </option>
          ))}
        </select>
      </form>
      <Loading loading={loading} />
      <Problems errors={answer?.errors} failure={error} />
      <GateBanner gates={answer?.transferGates ?? []} />
      {data ? (
        <>
          <p aria-live="polite" data-testid="customer-count">
            {data.totalCount} customer{data.totalCount === 1 ? '' : 's'}
            {search ? ` matching “${search}”` : ''}
          </p>
          <Table
            testId="customers"
            headers={['Name', 'Country', 'E-mail', 'Phone', 'Licenses', 'Seats used']}
            rows={data.nodes.map((c, i) => ({
              key: c.id,
              cells: [
                <a href={href('customers', c.id)}>{c.name}</a>,
                c.country,
                <Personal value={c.email} path={['customers', 'nodes', i, 'email']} withheld={withheld} />,
                <Personal value={c.phone} path={['customers', 'nodes', i, 'phone']} withheld={withheld} />,
                c.licenseSummary.total,
                `${c.licenseSummary.seats.used} / ${c.licenseSummary.seats.total}`,
              ],
            }))}
          />
          <nav className="pager" aria-label="Pages of customers">
            <button type="button" disabled={!data.pageInfo.hasPreviousPage || !data.pageInfo.startCursor} onClick={() => setCursor({ last: PAGE, before: data.pageInfo.startCursor! })}>
              Previous page
            </button>
            <button type="button" disabled={!data.pageInfo.hasNextPage || !data.pageInfo.endCursor} onClick={() => setCursor({ first: PAGE, after: data.pageInfo.endCursor! })}>
              Next page
            </button>
          </nav>
        </>
      ) : null}
    </Page>
  );
}
