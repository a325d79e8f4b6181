import { day, withheldPaths } from '../api';
import { useQuery } from '../hooks';
import { GateBanner, Loading, Page, Personal, Problems } from '../ui';
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
            <dd>
              <Personal value={org.email} path={at('email')} withheld={w} />
            </dd>
            <dt>Phone</dt>
            <dd>
              <Personal value={org.phone} path={at('phone')} withheld={w} />
            </dd>
            <dt>Address</dt>
            <dd>
              {w.has(at('address').join('.')) ? (
                <Personal value={null} path={at('address')} withheld={w} />
              ) : org.address ? (
                `${org.address.street}, ${org.address.postalCode} ${org.address.city}, ${org.address.country}`
              ) : (
                '—'
              )}
            </dd>
          </dl>
          <section className="card" aria-labelledby="users-title">
            <h2 id="users-title">People ({org.users.totalCount})</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {org.users.nodes.map((u, i) => (
                  <tr key={u.id}>
                    {(['name', 'email', 'role', 'status'] as const).map((f) => (
                      <td key={f}>
                        <Personal value={u[f]} path={at('users', 'nodes', i, f)} withheld={w} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="licenses-title">
            <h2 id="licenses-title">Licenses ({org.licenses.totalCount})</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">Status</th>
                  <th scope="col">Seats used</th>
                  <th scope="col">Valid until</th>
                </tr>
              </thead>
              <tbody>
                {org.licenses.nodes.map((l) => (
                  <tr key={l.id}>
                    <td>{l.product.sku}</td>
                    <td>{l.status}</td>
                    <td>
                      {l.seatsUsed} / {l.seats}
                    </td>
                    <td>{day(l.validUntil)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="computers-title">
            <h2 id="computers-title">Computers ({org.computers.totalCount})</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Host id</th>
                  <th scope="col">Operating system</th>
                </tr>
              </thead>
              <tbody>
                {org.computers.nodes.map((c, i) => (
                  <tr key={c.id}>
                    {(['name', 'hostId', 'os'] as const).map((f) => (
                      <td key={f}>
                        <Personal value={c[f]} path={at('computers', 'nodes', i, f)} withheld={w} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {acts ? (
            <section className="card" aria-labelledby="activations-title">
              <h2 id="activations-title">Activations ({acts.totalCount})</h2>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Product</th>
                    <th scope="col">Computer</th>
                    <th scope="col">Activated</th>
                    <th scope="col">Deactivated</th>
                  </tr>
                </thead>
                <tbody>
                  {acts.nodes.map((a, i) => (
                    <tr key={a.id}>
                      <td>{a.license?.product.sku ?? '—'}</td>
                      <td>
                        <Personal value={a.computer?.name} path={['activations', 'nodes', i, 'computer', 'name']} withheld={w} />
                      </td>
                      <td>{day(a.activatedAt)}</td>
                      <td>{day(a.deactivatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
