import { DataSource } from 'typeorm';
import { HubConfig } from '../../config';
import { SecretBox } from '../../common/secret-box';
import { Logger } from '../../observability/logger';
import { runClockEvents } from '../event/clock-events';
import { HubMetrics } from '../../observability/metrics';
import { deliverDue, DeliveryDeps, DeliveryOutcome } from './deliver';
import { DeliveryStatus } from './webhook.entity';

/** The most one attempt's answer is read (the rest is dropped; only the status counts). */
const MAX_RESPONSE_BYTES = 1024;

/** What a round of deliveries needs, from the hub's settings (address rules, time limit, lease). */
export function deliveryDepsOf(config: HubConfig, dataSource: DataSource, secrets: SecretBox): DeliveryDeps {
  const { httpsOnly, allowLoopback, timeoutMs, batch } = config.webhooks;
  return {
    dataSource,
    config,
    secrets,
    send: { httpsOnly, allowLoopback, timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES },
    // A round sends its claimed deliveries one after the other: the lease outlasts the slowest round.
    leaseMs: Math.max(60_000, batch * (timeoutMs + 1000) + 30_000),
  };
}

export interface DeliveryLoopOptions {
  config: HubConfig;
  dataSource: DataSource;
  secrets: SecretBox;
  /** The clock of the payloads and the schedule (the hub's own). */
  clock: () => Date;
  logger: Logger;
  metrics?: Pick<HubMetrics, 'webhookDeliveries'>;
  /** Keep the process alive for the loop (the separate worker); the hub's loop does not. */
  keepAlive?: boolean;
}

export interface DeliveryLoop {
  /** Stops the loop after the round in progress, if any, has finished. */
  stop(): Promise<void>;
}

const OUTCOME: Record<DeliveryStatus, string> = { [DeliveryStatus.DELIVERED]: 'delivered', [DeliveryStatus.PENDING]: 'retry', [DeliveryStatus.FAILED]: 'failed' };

/**
 * The delivery loop: every WEBHOOK_DELIVERY_INTERVAL_MS one round of deliverDue (claim the due
 * deliveries, send, record); a round that found a full batch is followed by the next at once,
 * so a backlog drains without waiting. Rounds never overlap within a loop; several loops (the
 * hub's, `npm run worker`) claim different rows (deliver.ts). A round that fails is logged and
 * the loop goes on: what it had claimed is due again when its lease ends.
 */
export function startDeliveryLoop(options: DeliveryLoopOptions): DeliveryLoop {
  const { config, logger, metrics } = options;
  const deps = deliveryDepsOf(config, options.dataSource, options.secrets);
  const interval = config.webhooks.deliveryIntervalMs;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  const count = (outcomes: DeliveryOutcome[]) => {
    for (const o of outcomes) metrics?.webhookDeliveries.inc({ outcome: OUTCOME[o.status] });
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    if (!options.keepAlive) timer.unref();
  };
  function tick(): void {
    timer = null;
    // The clock-driven events first (docs/events.md), so that this round delivers them.
    const now = options.clock();
    running = runClockEvents(options.dataSource, config, now)
      .then(() => deliverDue(deps, now, config.webhooks.batch))
      .then(
        (outcomes) => {
          count(outcomes);
          if (outcomes.length) logger.info({ delivered: outcomes.filter((o) => o.ok).length, failed: outcomes.filter((o) => !o.ok).length }, 'webhook deliveries');
          schedule(outcomes.length >= config.webhooks.batch ? 0 : interval);
        },
        (e: unknown) => {
          logger.error({ err: (e as Error).message }, 'webhook delivery round failed');
          schedule(interval);
        },
      );
  }
  schedule(interval);
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
