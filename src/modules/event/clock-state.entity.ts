import { Column, Entity } from 'typeorm';
import { TextColumn, TimeColumn } from '../../common/columns';

/**
 * The last transfer-gate state the clock scheduler saw for a distributor (clock-events.ts): a
 * transition is a change from this row. The first evaluation of a distributor records its state
 * without publishing anything.
 */
@Entity('hub_gate_state')
export class GateState {
  @Column({ type: 'varchar', length: 36, primary: true })
  distributorId: string;

  @Column({ type: 'boolean' })
  allowed: boolean;

  /** When the scheduler recorded this state (part of the next transition's emission key). */
  @TimeColumn()
  since: Date;
}

/**
 * One row per clock-driven event published: the primary key names the event (type, subject and
 * instant), so a second scheduler running the same round at once fails this insert and publishes
 * nothing (exactly once across hubs and workers on one database).
 */
@Entity('hub_clock_emission')
export class ClockEmission {
  @Column({ type: 'varchar', length: 160, primary: true })
  emissionKey: string;

  @TextColumn(36)
  eventId: string;

  @TimeColumn()
  emittedAt: Date;
}
