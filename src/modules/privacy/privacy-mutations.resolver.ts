import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { toGlobalId } from '../../common/global-id';
import { RequestContext } from '../../context/request-context';
import { RetentionReport as RetentionResult, retentionYearsFrom, runRetention } from '../../jobs/retention';
import { PortalUser } from '../user/portal-user.entity';
import { userById } from '../user/user.service';
import { exportPersonalData } from './export.mutations';
import { ExportPersonalDataInput, RecordConsentInput, RectifyPersonalDataInput, RunRetentionInput, UpdateMyProfileInput, WithdrawConsentInput } from './privacy.inputs';
import { rectifyPersonalData, updateMyProfile } from './rectification.mutations';
import { recordConsent, withdrawConsent } from './withdrawal.mutations';

@ObjectType({ description: 'The result of a withdrawal of consent.' })
export class WithdrawConsentPayload {
  @Field(() => PortalUser, { nullable: true, description: 'The person, read back after the write (status WITHDRAWN).' }) user: PortalUser | null;
}

@ObjectType({ description: 'The result of recording new consent.' })
export class RecordConsentPayload {
  @Field(() => PortalUser, { nullable: true, description: 'The person, read back after the write (status ACTIVE).' }) user: PortalUser | null;
}

@ObjectType({ description: "The result of a change of the caller's own profile." })
export class UpdateMyProfilePayload {
  @Field(() => PortalUser, { nullable: true, description: 'The caller, read back after the write.' }) user: PortalUser | null;
}

@ObjectType({ description: 'The result of a rectification.' })
export class RectifyPersonalDataPayload {
  @Field(() => PortalUser, { nullable: true, description: 'The person, read back after the write.' }) user: PortalUser | null;
}

@ObjectType({ description: 'A data subject export (GDPR Art. 15): never replayed by Idempotency-Key.' })
export class ExportPersonalDataPayload {
  @Field(() => PortalUser, { nullable: true, description: 'The person the export is about.' }) subject: PortalUser | null;

  @Field(() => GraphQLJSONObject, {
    description: 'Keys: profile, organization, consent, licenses, activations, computers, recipients ({ organization { id name country }, firstReadAt, lastReadAt, fields }). Ids are global ids.',
  })
  document: Record<string, unknown>;
}

@ObjectType({ description: 'A person or computer past its retention deadline.' })
export class RetentionItem {
  @Field(() => String, { description: 'PortalUser or Computer.' }) subjectType: string;
  @Field(() => ID, { description: 'The global id of the person or computer.' }) subjectId: string;
  @Field(() => Date, { description: 'When its retention ended (at or before the run).' }) deadline: Date;
  @Field(() => String, { description: 'Why that deadline, e.g. "consent withdrawn; no license tie, so no statutory period".' }) reason: string;
}

@ObjectType({ description: 'What a retention run found, or did.' })
export class RetentionReport {
  @Field(() => Boolean, { description: 'true: nothing was changed, the items are only listed.' }) dryRun: boolean;
  @Field(() => Int, { description: 'People erased (in a dry run: past their deadline).' }) people: number;
  @Field(() => Int, { description: 'Computers erased (in a dry run: past their deadline).' }) computers: number;
  @Field(() => Date, { description: 'When the run started.' }) startedAt: Date;
  @Field(() => Date, { description: 'When the run finished.' }) finishedAt: Date;
  @Field(() => Int, { description: 'The statutory period, in years after the licenses tied to a subject ended (RETENTION_YEARS).' }) retentionYears: number;
  @Field(() => [RetentionItem], { description: 'The people and computers past their deadline.' }) items: RetentionItem[];
}

@ObjectType({ description: 'The result of a retention run.' })
export class RunRetentionPayload {
  @Field(() => RetentionReport, { nullable: true, description: 'What the run found or did.' }) report: RetentionReport | null;
}

/** Payloads are read back through the same reachable rows as every other path. */
async function reread(ctx: RequestContext, id: string): Promise<PortalUser | null> {
  ctx.loaders.clearAll();
  return userById(ctx).load(id);
}

function toReport(result: RetentionResult): RetentionReport {
  return {
    ...result,
    items: result.items.map((i) => ({ subjectType: i.subjectType, subjectId: toGlobalId(i.subjectType, i.id), deadline: i.deadline, reason: i.reason })),
  };
}

/** The privacy lifecycle (P7–P9, docs/privacy.md): consent, access, rectification, retention. */
@Resolver()
export class PrivacyMutationsResolver {
  @Mutation(() => WithdrawConsentPayload, {
    nullable: true,
    description: 'Withdraws consent (the person, or the PRIVACY_OFFICER on their behalf): access ends, their licenses lapse, their API keys are revoked.',
  })
  async withdrawConsent(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => WithdrawConsentInput, { description: 'The person (default: the caller) and when the notice was received.' }) input: WithdrawConsentInput,
  ): Promise<WithdrawConsentPayload> {
    const { user } = await withdrawConsent(ctx, input);
    return { user: await reread(ctx, user.id) };
  }

  @Mutation(() => RecordConsentPayload, { nullable: true, description: 'Records new consent of a person who withdrew it (PRIVACY_OFFICER, VENDOR_ADMIN); licenses stay lapsed.' })
  async recordConsent(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => RecordConsentInput, { description: 'The person and when they gave consent.' }) input: RecordConsentInput,
  ): Promise<RecordConsentPayload> {
    const user = await recordConsent(ctx, input);
    return { user: await reread(ctx, user.id) };
  }

  @Mutation(() => ExportPersonalDataPayload, { nullable: true, description: 'Everything held about a person, and who received it (the person, or the PRIVACY_OFFICER). Audited.' })
  async exportPersonalData(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => ExportPersonalDataInput, { description: 'The person.' }) input: ExportPersonalDataInput,
  ): Promise<ExportPersonalDataPayload> {
    const { user, document } = await exportPersonalData(ctx, input);
    return { subject: await reread(ctx, user.id), document };
  }

  @Mutation(() => UpdateMyProfilePayload, { nullable: true, description: "The caller's own name, e-mail or phone (users only). Audited without the values." })
  async updateMyProfile(@Ctx() ctx: RequestContext, @Arg('input', () => UpdateMyProfileInput, { description: 'What changes.' }) input: UpdateMyProfileInput): Promise<UpdateMyProfilePayload> {
    const user = await updateMyProfile(ctx, input);
    return { user: await reread(ctx, user.id) };
  }

  @Mutation(() => RectifyPersonalDataPayload, { nullable: true, description: "Corrects a person's name, e-mail or phone (PRIVACY_OFFICER). Audited without the values." })
  async rectifyPersonalData(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => RectifyPersonalDataInput, { description: 'The person and what changes.' }) input: RectifyPersonalDataInput,
  ): Promise<RectifyPersonalDataPayload> {
    const user = await rectifyPersonalData(ctx, input);
    return { user: await reread(ctx, user.id) };
  }

  @Mutation(() => RunRetentionPayload, { nullable: true, description: 'Lists (dryRun) or pseudonymizes the people and computers past their retention deadline (PRIVACY_OFFICER).' })
  async runRetention(@Ctx() ctx: RequestContext, @Arg('input', () => RunRetentionInput, { description: 'Whether to only list (dryRun).' }) input: RunRetentionInput): Promise<RunRetentionPayload> {
    const result = await runRetention({
      dataSource: ctx.dataSource,
      secrets: ctx.secrets,
      now: ctx.now,
      dryRun: input.dryRun,
      actor: { type: ctx.actor.type, id: ctx.actor.id, organizationId: ctx.actor.organizationId },
      requestId: ctx.requestId,
      clientRequestId: ctx.clientRequestId,
      years: retentionYearsFrom(),
    });
    ctx.loaders.clearAll();
    return { report: toReport(result) };
  }
}
