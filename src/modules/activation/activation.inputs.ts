import { Field, ID, InputType } from 'type-graphql';
import { UPDATED_SINCE } from '../../common/filters';
import { ListOrders } from '../../common/ordering';

@InputType({ description: "The customer's computer to activate on, found by its hostId among that customer's computers, or recorded." })
export class ComputerInput {
  @Field(() => String, { description: '1..255 characters.' }) name: string;
  @Field(() => String, { description: 'The machine fingerprint, 1..255 characters; the computer is reused by it.' }) hostId: string;
  @Field(() => String, { description: '1..64 characters.' }) os: string;
}

@InputType({ description: 'The license to activate, and the computer.' })
export class ActivateLicenseInput {
  @Field(() => ID, { description: 'An ALLOCATED license the viewer reaches.' }) licenseId: string;
  @Field(() => ComputerInput, {
    description: "The computer, a computer of the license's customer. Requires reading that customer's computers (else FORBIDDEN or TRANSFER_BASIS_REQUIRED, field input.computer).",
  })
  computer: ComputerInput;
}

@InputType({ description: 'The activation to end.' })
export class DeactivateActivationInput {
  @Field(() => ID, { description: 'An active activation the viewer reaches.' }) activationId: string;
}

@InputType({ description: 'All given conditions must hold.' })
export class ActivationFilter {
  @Field(() => ID, { nullable: true, description: "Activations on this customer's computers." }) customerId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Activations of this license.' }) licenseId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Activations on this computer.' }) computerId?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'true: active ones only (deactivatedAt null); false: ended ones only.' }) active?: boolean | null;
  @Field(() => Date, { nullable: true, description: UPDATED_SINCE }) updatedSince?: Date | null;
}

/** The orders of the root list of activations; ties end with the id. */
export const ACTIVATION_ORDERS = new ListOrders('Activation', {
  ACTIVATED_AT: { description: 'By the instant of activation.', keys: [{ column: 'e.activatedAt', property: 'activatedAt', time: true }] },
  UPDATED_AT: { description: "By updatedAt, the instant of the activation's last write (its deactivation included; indexed).", keys: [{ column: 'e.updatedAt', property: 'updatedAt', time: true }] },
});
