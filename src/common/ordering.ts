import { ClassType, Field, InputType, registerEnumType } from 'type-graphql';
import { SortKey } from './sql';

/** The direction of an `orderBy` (GitHub's shape). */
export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'The direction of an order. Rows without a value (a null date) come first ascending and last descending; ties are broken by id in the same direction.',
  valuesConfig: {
    ASC: { description: 'Smallest (earliest, first in the alphabet) first.' },
    DESC: { description: 'Largest (latest, last in the alphabet) first.' },
  },
});

/**
 * One order field of a list: what it orders by, and its sort keys before the id (the id always
 * ends them, so cursors are exact among ties). Keys of a computed value (a license's status)
 * are made at the request's instant.
 */
export interface OrderField {
  description: string;
  keys: SortKey[] | ((now: Date) => SortKey[]);
}

/** An `orderBy` as the lists read it: the sort keys, the direction, and the tag its cursors carry. */
export interface Ordering {
  /** `<list>:<FIELD>:<DIRECTION>`: a cursor made under one order is refused under another. */
  tag: string;
  sort: SortKey[];
  descending: boolean;
}

export interface OrderInput<F extends string> {
  field: F;
  direction: OrderDirection;
}

const ID_KEY: SortKey = { column: 'e.id', property: 'id' };

/**
 * The orders of one node type: the GraphQL enum `<Name>OrderField` and input `<Name>Order`
 * (made when the module loads, as type-graphql needs), and the sort keys of each field. Adding
 * an order field is one entry of `fields`.
 */
export class ListOrders<F extends string> {
  readonly field: Record<F, F>;
  readonly input: ClassType<OrderInput<F>>;

  constructor(
    readonly name: string,
    private readonly fields: Record<F, OrderField>,
  ) {
    const names = Object.keys(fields) as F[];
    this.field = Object.fromEntries(names.map((f) => [f, f])) as Record<F, F>;
    registerEnumType(this.field, {
      name: `${name}OrderField`,
      description: `What ${name} rows can be ordered by.`,
      valuesConfig: Object.fromEntries(names.map((f) => [f, { description: fields[f].description }])) as Record<F, { description: string }>,
    });
    const fieldEnum = this.field;

    @InputType(`${name}Order`, { description: `An order of ${name} rows: a field and a direction; ties are broken by id.` })
    class OrderInputType {
      @Field(() => fieldEnum, { description: 'What to order by.' }) field: F;
      @Field(() => OrderDirection, { description: 'ASC or DESC.' }) direction: OrderDirection;
    }
    this.input = OrderInputType;
  }

  /** The order asked for on list `list` (e.g. `licenses`), or null for the list's own order. */
  ordering(list: string, orderBy: OrderInput<F> | null | undefined, now: Date): Ordering | null {
    if (!orderBy) return null;
    const field = this.fields[orderBy.field];
    const keys = typeof field.keys === 'function' ? field.keys(now) : field.keys;
    return { tag: `${list}:${orderBy.field}:${orderBy.direction}`, sort: [...keys, ID_KEY], descending: orderBy.direction === OrderDirection.DESC };
  }
}
