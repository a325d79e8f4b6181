import { day, withheldPaths } from '../api';
import { useQuery } from '../hooks';
import { GateBanner, Loading, Page, Personal, Problems, Section, Table } from '../ui';
import { graphql } from '../generated';

const CUSTOMER = graphql(`
  query ConsoleCustomer($id: ID!) {
    organization(id: $id) {
      id
      name
      country
      email
      phone
      address {
        street
        postalCode
        city
        country
      }
      users(first: 20) {
        totalCount
        nodes {
          id
          name
          email
          role
          status
        }
      }
      licenses(first: 20) {
        totalCount
        nodes {
          id
          status
          seats
          seatsUsed
          validUntil
          product {
            sku
          }
        }
      }
      computers(first: 20) {
        totalCount
        nodes {
          id
          name
          hostId
          os
        }
      }
    }
    activations(filter: { customerId: $id }, first: 50) {
      totalCount
      nodes {
        id
        activatedAt
        deactivatedAt
        license {
          id
          product {
            sku
          }
        }
        computer {
          id
          name
        }
      }
    }
  }
`);

/** One customer: its contacts, people, licenses, computers and activations; withheld fields say so. */
export function CustomerPage({ id }: { id: string }) {
  const { answer, error, loading } = useQuery(CUSTOMER, { id });
  const org = answer?.data?.organization;
  const acts = answer?.data?.activations;
  const w = withheldPaths(answer?.errors ?? []);
  const at = (...p: (string | number)[]) => ['organization', ...p];
  const personal = (value: string | null | undefined, path: (string | number)[]) => <Personal value={value} path={path} withheld={w} />;
  return (
    <Page title={org ? org.name : 'Customer'}>
      <Loading loading={loading} />
      <Problems errors={answer?.errors} failure={error} />
      <GateBanner gates={answer?.transferGates ?? []} />
      {answer && !org ? <p>No such customer, or not one you may see.</p> : null}
      {org ? (
        <>
          <dl className="facts card">
            <dt>Country</dt>
            <dd>{org.country}</dd>
            <dt>E-mail</dt>
            <dd>{personal(org.email, at('email'))}</dd>
            <dt>Phone</dt>
            <dd>{personal(org.phone, at('phone'))}</dd>
            <dt>Address</dt>
            <dd>{w.has(at('address').join('.')) || !org.address ? personal(null, at('address')) : `${org.address.street}, ${org.address.postalCode} ${org.address.city}, ${org.address.country}`}</dd>
          </dl>
          <Section id="users" title={`People (${org.users.totalCount})`}>
            <Table
              headers={['Name', 'E-mail', 'Role', 'Status']}
              rows={org.users.nodes.map((u, i) => ({ key: u.id, cells: (['name', 'email', 'role', 'status'] as const).map((f) => personal(u[f], at('users', 'nodes', i, f))) }))}
            />
          </Section>
          <Section id="licenses" title={`Licenses (${org.licenses.totalCount})`}>
            <Table
              headers={['Product', 'Status', 'Seats used', 'Valid until']}
              rows={org.licenses.nodes.map((l) => ({ key: l.id, cells: [l.product.sku, l.status, `${l.seatsUsed} / ${l.seats}`, day(l.validUntil)] }))}
            />
          </Section>
          <Section id="computers" title={`Computers (${org.computers.totalCount})`}>
            <Table
              headers={['Name', 'Host id', 'Operating system']}
              rows={org.computers.nodes.map((c, i) => ({ key: c.id, cells: (['name', 'hostId', 'os'] as const).map((f) => personal(c[f], at('computers', 'nodes', i, f))) }))}
            />
          </Section>
          {acts ? (
            <Section id="activations" title={`Activations (${acts.totalCount})`}>
              <Table
                headers={['Product', 'Computer', 'Activated', 'Deactivated']}
                rows={acts.nodes.map((a, i) => ({
                  key: a.id,
                  cells: [a.license?.product.sku ?? '—', personal(a.computer?.name, ['activations', 'nodes', i, 'computer', 'name']), day(a.activatedAt), day(a.deactivatedAt)],
                }))}
              />
            </Section>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
