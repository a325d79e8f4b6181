import { day } from '../api';
import { useQuery } from '../hooks';
import { href } from '../router';
import { Loading, Page, Problems } from '../ui';
import { graphql } from '../generated';

const DISTRIBUTORS = graphql(`
  query ConsoleDistributors {
    organizations(kind: DISTRIBUTOR, first: 100) {
      totalCount
      nodes {
        id
        name
        country
        processingCountries
        transferBasis {
          allowed
          basis
          reason
          denialReason
          validUntil
        }
        licenseSummary {
          total
          expiringSoon
        }
      }
    }
  }
`);

/** The vendor's view of its distributors: each one's transfer gate (open or closed, and why) at a glance. */
export function Distributors() {
  const { answer, error, loading } = useQuery(DISTRIBUTORS);
  const nodes = answer?.data?.organizations.nodes ?? [];
  const closed = nodes.filter((d) => d.transferBasis && !d.transferBasis.allowed).length;
  return (
    <Page title="Distributors">
      <Loading loading={loading} />
      <Problems errors={answer?.errors} failure={error} />
      {answer?.data ? (
        <p data-testid="gate-count">
          {nodes.length} distributors; transfer gate closed for {closed}.
        </p>
      ) : null}
      <table data-testid="distributors">
        <thead>
          <tr>
            <th scope="col">Distributor</th>
            <th scope="col">Country (processes in)</th>
            <th scope="col">Transfer gate</th>
            <th scope="col">Basis and reason</th>
            <th scope="col">Licenses</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((d) => (
            <tr key={d.id} data-distributor={d.name}>
              <td>
                <a href={href('distributors', d.id)}>{d.name}</a>
              </td>
              <td>
                {d.country} ({(d.processingCountries ?? []).join(', ')})
              </td>
              <td>{d.transferBasis ? <span className={d.transferBasis.allowed ? 'badge open' : 'badge closed'}>{d.transferBasis.allowed ? 'open' : 'closed'}</span> : '—'}</td>
              <td>
                {d.transferBasis ? (
                  <>
                    <span className="code">{d.transferBasis.allowed ? d.transferBasis.basis : d.transferBasis.denialReason}</span> {d.transferBasis.reason}
                    {d.transferBasis.validUntil ? ` (until ${day(d.transferBasis.validUntil)})` : ''}
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td>
                {d.licenseSummary.total} ({d.licenseSummary.expiringSoon} expiring soon)
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
