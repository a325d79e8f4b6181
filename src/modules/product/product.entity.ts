import { Field, ObjectType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { IdColumn, TextColumn, TimeColumn } from '../../common/columns';
import { LicenseModel } from '../../common/enums';
import { Node } from '../../common/node';

@ObjectType({ implements: Node, description: 'A MOBOTIX software product that licenses are sold for.' })
@Entity('product')
@Index('UQ_product_sku', ['sku'], { unique: true })
export class Product extends Node {
  @IdColumn() override id: string;

  @Field(() => String, { description: 'The stock-keeping unit, unique.' })
  @TextColumn(64)
  sku: string;

  @Field(() => String, { description: "The product's name." })
  @TextColumn(200)
  name: string;

  @Field(() => LicenseModel, { description: 'Perpetual or subscription.' })
  @TextColumn(16)
  licenseModel: LicenseModel;

  @TimeColumn() createdAt: Date;
}
