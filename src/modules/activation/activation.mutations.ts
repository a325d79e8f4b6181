import { IsNull } from 'typeorm';
import { LicenseStatus } from '../../common/enums';
import { badInput, conflict, DomainError, InputProblem } from '../../common/errors';
import { idArg } from '../../common/filters';
import { newId } from '../../common/ids';
import { sqlDate } from '../../common/sql';
import { CONTROL_RE } from '../../common/text';
import { claimRow, inTransaction } from '../../common/transaction';
import { RequestContext } from '../../context/request-context';
import { reachableForUpdate } from '../../policy/reachable';
import { recordWrite } from '../audit/audit.writer';
import { Computer } from '../computer/computer.entity';
import { computerDataDenial } from '../computer/computer.service';
import { License, licenseStatus } from '../license/license.entity';
import { ActivateLicenseInput, ComputerInput, DeactivateActivationInput } from './activation.inputs';
import { Activation } from './activation.entity';

const COMPUTER_LIMITS: Record<keyof ComputerInput, number> = { name: 255, hostId: 255, os: 64 };

function computerFields(input: ComputerInput): ComputerInput {
  const problems: InputProblem[] = [];
  const out = {} as ComputerInput;
  for (const key of Object.keys(COMPUTER_LIMITS) as (keyof ComputerInput)[]) {
    const value = (input[key] ?? '').trim();
    if (value.length === 0 || value.length > COMPUTER_LIMITS[key]) {
      problems.push({ field: `input.computer.${key}`, message: `must be 1 to ${COMPUTER_LIMITS[key]} characters` });
    } else if (CONTROL_RE.test(value)) {
      // Refused as a person's or an organization's name is (they show in dashboards and exports).
      problems.push({ field: `input.computer.${key}`, message: 'must not contain control characters' });
    }
    out[key] = value;
  }
  if (problems.length) throw badInput(problems);
  return out;
}

const REFUSED: Partial<Record<LicenseStatus, string>> = {
  [LicenseStatus.REGISTERED]: 'the license is not allocated to a customer yet',
  [LicenseStatus.EXPIRED]: 'the license has expired',
  [LicenseStatus.REVOKED]: 'the license was revoked',
  [LicenseStatus.LAPSED]: 'the license lapsed (its licensee withdrew consent)',
};

/**
 * Activates a license on a customer's computer (created, or reused by its host id). The
 * license row is locked for the count and written with the activation (claimRow: so on a
 * Galera cluster too), so the active activations never exceed the seats, whatever runs at the
 * same time. The same license on the same computer returns the existing activation.
 *
 * A host id is matched only among the computers of the customer the license is allocated to,
 * and only for an actor who may read that customer's computers (Computer.name/hostId) now:
 * the answer says which computer a host id is (its id, its activations), and the activation
 * makes it reachable. Anyone else (a distributor whose transfer gate is closed, an API key
 * without personal_data:read) is refused before the host id is looked at, with one answer
 * whatever the host id: activating cannot be used to learn or use a computer one may not read.
 */
export async function activateLicense(ctx: RequestContext, input: ActivateLicenseInput): Promise<Activation> {
  const licenseId = idArg('License', input.licenseId, 'input.licenseId');
  const computer = computerFields(input.computer);
  return inTransaction(ctx.dataSource, async (manager) => {
    const license = await reachableForUpdate(ctx, manager, License, licenseId, 'License (input.licenseId)');
    const status = licenseStatus(license, ctx.now);
    const refused = REFUSED[status];
    if (refused || !license.customerId) {
      const when = status === LicenseStatus.EXPIRED && license.validUntil ? ` on ${license.validUntil.toISOString()}` : '';
      throw conflict(`${refused ?? 'the license is not allocated'}${when}`, { rule: `license.activate_${status.toLowerCase()}`, status });
    }
    if (license.validFrom > ctx.now) throw conflict(`the license is valid only from ${license.validFrom.toISOString()}`, { rule: 'license.activate_not_yet_valid' });
    const customerId = license.customerId;
    const denial = await computerDataDenial(ctx, customerId);
    if (denial) {
      throw new DomainError(
        denial.code,
        `input.computer: activating on the customer's computers needs their name and host id (personal data of the customer), which your organization may not read now: ${denial.reason}`,
        {
          ...denial.extra,
          field: 'input.computer',
          rule: 'activation.reads_computers',
        },
      );
    }

    await manager
      .createQueryBuilder()
      .insert()
      .into(Computer)
      .values({
        id: newId(ctx.now),
        organizationId: customerId,
        name: computer.name,
        hostId: computer.hostId,
        os: computer.os,
        createdAt: ctx.now,
      })
      .orIgnore()
      .execute();
    const machine = await manager.findOneByOrFail(Computer, { organizationId: customerId, hostId: computer.hostId });

    const existing = await manager.findOneBy(Activation, { licenseId, computerId: machine.id, deactivatedAt: IsNull() });
    if (existing) return existing;

    const [{ n }]: { n: unknown }[] = await manager.query('SELECT COUNT(*) AS n FROM `activation` WHERE licenseId = ? AND deactivatedAt IS NULL', [licenseId]);
    if (Number(n) >= license.seats) {
      throw conflict(`seat limit reached: ${Number(n)} of ${license.seats} seats are in use`, { rule: 'license.seat_limit', seats: license.seats, seatsUsed: Number(n) });
    }
    // A seat change writes the license row: on a Galera cluster the lock above holds on this node only (claimRow).
    await claimRow(manager, 'license', licenseId);
    const activation = manager.create(Activation, {
      id: newId(ctx.now),
      licenseId,
      computerId: machine.id,
      activatedAt: ctx.now,
      deactivatedAt: null,
      activatedById: ctx.actor.userId,
    });
    await manager.insert(Activation, activation);
    await recordWrite(manager, ctx, { action: 'license.activated', subjectType: 'Activation', subjectId: activation.id, detail: { licenseId } });
    return activation;
  });
}

/** Frees the seat (rehosting is deactivate, then activate on the new computer). */
export async function deactivateActivation(ctx: RequestContext, input: DeactivateActivationInput): Promise<Activation> {
  const id = idArg('Activation', input.activationId, 'input.activationId');
  return inTransaction(ctx.dataSource, async (manager) => {
    const activation = await reachableForUpdate(ctx, manager, Activation, id, 'Activation (input.activationId)');
    if (activation.deactivatedAt) throw conflict('the activation is already deactivated', { rule: 'activation.deactivate_once' });
    await claimRow(manager, 'license', activation.licenseId);
    await manager.query('UPDATE `activation` SET deactivatedAt = ? WHERE id = ?', [sqlDate(ctx.now), id]);
    await recordWrite(manager, ctx, { action: 'license.deactivated', subjectType: 'Activation', subjectId: id, detail: { licenseId: activation.licenseId } });
    return activation;
  });
}
