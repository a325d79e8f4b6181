import { loadConfig } from '../../src/config';
import { RequestContext } from '../../src/context/request-context';
import { createGraphQLServer } from '../../src/server';

/**
 * Apollo executes the operation the static limits measured, or nothing (issue #11): whatever
 * reaches Apollo without a measurement of that very text and operation is refused before it
 * runs, so no entry (a hash, another operationName) can run an unmeasured operation.
 */
describe('Apollo runs only the measured operation', () => {
  const server = createGraphQLServer(loadConfig({ NODE_ENV: 'test' }), () => undefined);
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  const DOCUMENT = 'query A { __typename } query B { products { sku } }';
  const run = async (operationName: string, measured?: RequestContext['measured']) => {
    const contextValue = { requestId: 'r', answer: {}, measured } as unknown as RequestContext;
    const response = await server.executeOperation({ query: DOCUMENT, operationName }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('not a single result');
    return { status: response.http.status, ...response.body.singleResult };
  };

  it('runs the operation measured in that text', async () => {
    expect(await run('A', { source: DOCUMENT, operationName: 'A' })).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('refuses an operation without a measurement, another operation of the measured text, or the measured name in another text', async () => {
    for (const r of [await run('A'), await run('B', { source: DOCUMENT, operationName: 'A' }), await run('A', { source: '{ __typename }', operationName: 'A' })]) {
      expect(r.data).toBeUndefined();
      expect(r.status).toBe(400);
      expect(r.errors).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'measured' } })]);
    }
  });
});
