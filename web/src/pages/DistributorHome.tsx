import { useContext, useMemo } from 'react';
import { day, TransferGate, withheldPaths } from '../api';
import { useQuery } from '../hooks';
import { href } from '../router';
import { BarChart, GateBanner, Loading, Page, Personal, Problems, Section, Table } from '../ui';
import { useViewer } from '../viewer';
import { SeeAsContext } from '../see-as';
import { graphql } from '../generated';

/** A customer's people get the same charts and expiring licenses: customers and the gate ($distributor) are a distributor's. */
const HOME = graphql(`
  query ConsoleHome($soon: DateTimeISO!, $days: Int!, $distributor: Boolean!) {
    viewer @include(if: $distributor) {
      organization {
        name
        transferBasis {
          allowed
          reason
          basis
          denialReason
        }
      }
    }
    licenseSummary(expiringWithinDays: $days) {
      total
      expiringSoon
      expiringWithinDays
      byStatus {
        status
        count
      }
      seats {
        total
        used
      }
      byProduct {
        product {
          sku
          name
        }
        licenses
        seats
        seatsUsed
      }
    }
    licenses(filter: { validUntilAfter: $soon, statuses: [REGISTERED, ALLOCATED] }, orderBy: { field: VALID_UNTIL, direction: ASC }, first: 5) {
      nodes {
        id
        status
        validUntil
        seats
        seatsUsed
        product {
          sku
        }
        customer {
          id
          name
        }
      }
    }
    customers(first: 5) @include(if: $distributor) {
      totalCount
      nodes {
        id
        name
        email
        users(first: 2) {
          nodes {
            name
            email
          }
        }
      }
    }
  }
`);

const DAYS = 60;

/** A distributor's home: its license summary as charts, what expires soon, its customers' contacts, and its gate as one banner.
 * Over 60 lines: one page's markup, top to bottom, over its own state. */
export function DistributorHome() {
  const viewer = useViewer();
  // "Expiring soon" from the instant seen ("see as" at a date), else from now.
  const seenAt = useContext(SeeAsContext)?.at;
  const soon = useMemo(() => (seenAt ? new Date(seenAt) : new Date()).toISOString(), [seenAt]);
  const { answer, error, loading } = useQuery(HOME, { soon, days: DAYS, distributor: viewer.organization.kind !== 'CUSTOMER' });
  const data = answer?.data;
  const withheld = withheldPaths(answer?.errors ?? []);
  const gates: TransferGate[] = answer?.transferGates ?? [];
  const basis = data?.viewer?.organization.transferBasis;
  return (
    <Page title={`${viewer.organization.name}: licenses`}>
      <Loading loading={loading} />
      <Problems errors={answer?.errors} failure={error} />
      <GateBanner gates={gates} />
      {basis && !gates.length ? (
        <p className={basis.allowed ? 'gate-open' : 'gate-closed'} data-testid="gate-status">
          Transfer gate: {basis.allowed ? 'open' : 'closed'} ({basis.reason})
        </p>
      ) : null}
      {data ? (
        <>
          <div className="grid">
            <BarChart
              id="chart-seats"
              title={`Seats used of total by product (all products: ${data.licenseSummary.seats.used} / ${data.licenseSummary.seats.total})`}
              bars={data.licenseSummary.byProduct.map((p) => ({ label: p.product.sku, value: p.seatsUsed, total: p.seats }))}
            />
            <BarChart id="chart-status" title={`Licenses by status (${data.licenseSummary.total} in all)`} bars={data.licenseSummary.byStatus.map((s) => ({ label: s.status, value: s.count }))} />
          </div>
          <Section id="soon" title={`Expiring within ${data.licenseSummary.expiringWithinDays} days: ${data.licenseSummary.expiringSoon} · the licenses that expire next`}>
            <Table
              caption="Licenses that expire next"
              headers={['Product', 'Customer', 'Seats used', 'Status', 'Valid until']}
              rows={data.licenses.nodes.map((l) => ({
                key: l.id,
                cells: [l.product.sku, l.customer ? <a href={href('customers', l.customer.id)}>{l.customer.name}</a> : 'not allocated', `${l.seatsUsed} / ${l.seats}`, l.status, day(l.validUntil)],
              }))}
            />
          </Section>
          {data.customers ? (
            <Section
              id="customers"
              title={
                <>
                  Customers ({data.customers.totalCount}) <a href={href('customers')}>all customers</a>
                </>
              }
            >
              <Table
                testId="home-customers"
                headers={['Customer', 'E-mail', 'People']}
                rows={data.customers.nodes.map((c, i) => ({
                  key: c.id,
                  cells: [
                    <a href={href('customers', c.id)}>{c.name}</a>,
                    <Personal value={c.email} path={['customers', 'nodes', i, 'email']} withheld={withheld} />,
                    c.users.nodes.map((u, j) => (
                      <div key={j}>
                        <Personal value={u.name} path={['customers', 'nodes', i, 'users', 'nodes', j, 'name']} withheld={withheld} />
                        {' · '}
                        <Personal value={u.email} path={['customers', 'nodes', i, 'users', 'nodes', j, 'email']} withheld={withheld} />
                      </div>
                    )),
                  ],
                }))}
              />
            </Section>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
