import 'reflect-metadata';
import { getNamedType, GraphQLResolveInfo, isLeafType, isObjectType, Kind, OperationDefinitionNode, parse } from 'graphql';
import { selectionWidth } from '../../src/http/answer-bound';
import { buildBareSchema } from '../../src/schema';

/**
 * What lets the executor skip a resolver per field (docs/benchmarks.md): plain properties have
 * none (src/common/default-resolvers.ts), and the answer bound counts an object's fields by its
 * selection's width instead of wrapping each field (src/http/answer-bound.ts).
 */
describe('plain properties are read by the default resolver', () => {
  const schema = buildBareSchema();
  const fields = (type: string) => {
    const t = schema.getType(type);
    if (!isObjectType(t)) throw new Error(type);
    return t.getFields();
  };

  it('a plain property has no resolver; a field resolver, a global id and a lazy totalCount keep theirs', () => {
    expect(fields('License').seats.resolve).toBeUndefined();
    expect(fields('License').validUntil.resolve).toBeUndefined();
    expect(fields('PortalUser').email.resolve).toBeUndefined();
    expect(fields('License').seatsUsed.resolve).toBeInstanceOf(Function);
    expect(fields('License').activations.resolve).toBeInstanceOf(Function);
    expect(fields('License').id.resolve).toBeInstanceOf(Function);
    expect(fields('OrganizationConnection').totalCount.resolve).toBeInstanceOf(Function);
  });

  it('most scalar fields of the schema are plain properties', () => {
    let plain = 0;
    let leaves = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (!isLeafType(getNamedType(field.type))) continue;
        leaves++;
        if (!field.resolve) plain++;
      }
    }
    expect(plain / leaves).toBeGreaterThan(0.6);
  });
});

describe('selectionWidth', () => {
  const info = (query: string, path: string[]): Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'> => {
    const document = parse(query);
    const fragments = Object.fromEntries(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])));
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    let selections = operation.selectionSet.selections;
    let node;
    for (const name of path) {
      node = selections.find((s) => s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === name);
      if (!node || node.kind !== Kind.FIELD) throw new Error(name);
      selections = node.selectionSet?.selections ?? [];
    }
    return { fieldNodes: [node as never], fragments };
  };

  it('counts the response keys of a selection, through fragments, without __typename', () => {
    expect(selectionWidth(info('{ customers { nodes { __typename id name users { nodes { id } } } } }', ['customers', 'nodes']))).toBe(3);
    expect(selectionWidth(info('{ a { ...F ... on X { y z } b: id } } fragment F on X { id w ...G } fragment G on X { v ...F }', ['a']))).toBe(6);
  });

  it('counts a key selected twice once, and an alias as its own key', () => {
    expect(selectionWidth(info('{ a { id id name other: name } }', ['a']))).toBe(3);
  });
});
