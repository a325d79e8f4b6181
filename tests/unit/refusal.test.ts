import { buildSchema, execute, GraphQLError, GraphQLResolveInfo, parse } from 'graphql';
import { DomainError, ErrorCode, refusal } from '../../src/common/errors';

/**
 * refusal() builds a field's denial without GraphQLError's constructor (src/common/errors.ts):
 * the answer a client gets must be exactly the one `new DomainError(…)` located at the field
 * gives, in lists, under aliases and fragments, and for both codes the permission layer uses.
 */
describe('refusal(): the same answer as a located DomainError, for less work', () => {
  const schema = buildSchema(`
    type Person { name: String email: String }
    type Query { people: [Person!]! me: Person }
  `);
  const QUERY = `query Q {
    people { name ...contact }
    me { nick: name }
  }
  fragment contact on Person {
    email
  }`;
  const people = [{}, {}, {}];

  function run(deny: (code: ErrorCode, message: string, extra: Record<string, unknown>, info: GraphQLResolveInfo) => unknown) {
    const field = (code: ErrorCode) => (_p: unknown, _a: unknown, _c: unknown, info: GraphQLResolveInfo) =>
      deny(code, `Not allowed to read Person.${info.fieldName}`, code === ErrorCode.TRANSFER_BASIS_REQUIRED ? { basis: 'NONE' } : {}, info);
    const resolvers = {
      Person: { name: field(ErrorCode.TRANSFER_BASIS_REQUIRED), email: field(ErrorCode.FORBIDDEN) },
    };
    const person = (schema.getType('Person') as unknown as { getFields(): Record<string, { resolve?: unknown }> }).getFields();
    person.name.resolve = resolvers.Person.name;
    person.email.resolve = resolvers.Person.email;
    return execute({ schema, document: parse(QUERY), rootValue: { people, me: {} } }) as Promise<{ data: unknown; errors?: readonly GraphQLError[] }>;
  }

  it('serializes like new DomainError(code, message, extra, { nodes, path }), error for error', async () => {
    const constructed = await run((code, message, extra, info) => new DomainError(code, message, extra, { nodes: info.fieldNodes, path: [...pathOf(info)] }));
    const fast = await run(refusal);
    expect(fast.data).toEqual(constructed.data);
    expect(fast.errors).toHaveLength(7);
    expect(fast.errors!.map((e) => e.toJSON())).toEqual(constructed.errors!.map((e) => e.toJSON()));
    // What a client reads, spelled out for one of them.
    expect(fast.errors![0].toJSON()).toEqual({
      message: 'Not allowed to read Person.name',
      locations: [{ line: 2, column: 14 }],
      path: ['people', 0, 'name'],
      extensions: { code: 'TRANSFER_BASIS_REQUIRED', basis: 'NONE' },
    });
    expect(fast.errors![6].toJSON()).toMatchObject({ path: ['me', 'nick'], locations: [{ line: 3, column: 10 }] });
    for (const e of fast.errors!) {
      expect(e).toBeInstanceOf(GraphQLError);
      expect(e).toBeInstanceOf(DomainError);
      expect((e.originalError as DomainError | undefined)?.code ?? (e as DomainError).code).toBe(e.extensions.code);
    }
  });
});

function* pathOf(info: GraphQLResolveInfo): Generator<string | number> {
  const keys: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) keys.unshift(p.key);
  yield* keys;
}
