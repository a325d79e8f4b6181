import {
  GraphQLArgument,
  GraphQLField,
  GraphQLInputField,
  GraphQLInt,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLString,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isIntrospectionType,
} from 'graphql';
import { buildBareSchema } from '../../src/schema';

/**
 * Every element of the schema an integrator sees in a generated client or an explorer carries
 * a description: types, fields, arguments, input fields, enum values, interfaces and the
 * scalars the hub adds. The list names each element that has none, as `Type.field(arg)`.
 */
function undescribed(types: readonly GraphQLNamedType[]): string[] {
  const missing: string[] = [];
  const check = (what: { description?: string | null }, name: string) => {
    if (!what.description?.trim()) missing.push(name);
  };
  const args = (owner: string, list: readonly GraphQLArgument[]) => list.forEach((a) => check(a, `${owner}(${a.name})`));
  for (const type of types) {
    if (isIntrospectionType(type) || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
    check(type, type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
        check(field, `${type.name}.${field.name}`);
        args(`${type.name}.${field.name}`, field.args);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values<GraphQLInputField>(type.getFields())) check(field, `${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(value, `${type.name}.${value.name}`);
    }
  }
  return missing.sort();
}

describe('schema descriptions', () => {
  const schema = buildBareSchema();
  const types = Object.values(schema.getTypeMap());

  it('describes every type, field, argument, input field and enum value of the schema', () => {
    expect(undescribed(types)).toEqual([]);
  });

  it('walks all of the schema (the check above is not vacuous)', () => {
    const names = types.map((t) => t.name);
    for (const name of ['Query', 'Mutation', 'Node', 'DateTimeISO', 'Role', 'ActivateLicenseInput', 'LicenseConnection', 'LicenseEdge', 'PageInfo']) {
      expect(names).toContain(name);
    }
    expect(undescribed([schema.getType('String')!])).toEqual([]); // built-in scalars are GraphQL's, not ours
  });

  it('names each undescribed element, with its type and argument', () => {
    const bare = new GraphQLObjectType({ name: 'Probe', fields: { x: { type: GraphQLString, args: { y: { type: GraphQLInt } } } } });
    expect(undescribed([bare])).toEqual(['Probe', 'Probe.x', 'Probe.x(y)']);
  });
});
