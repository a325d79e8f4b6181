import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class ComputerInput {
  @Field(() => String, { description: '1..255 characters.' }) name: string;
  @Field(() => String, { description: 'The machine fingerprint, 1..255 characters; the computer is reused by it.' }) hostId: string;
  @Field(() => String, { description: '1..64 characters.' }) os: string;
}

@InputType()
export class ActivateLicenseInput {
  @Field(() => ID) licenseId: string;
  @Field(() => ComputerInput) computer: ComputerInput;
}

@InputType()
export class DeactivateActivationInput {
  @Field(() => ID) activationId: string;
}
