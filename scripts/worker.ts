import 'reflect-metadata';
import { openDataSource } from '../ormconfig';
import { SecretBox } from '../src/common/secret-box';
import { loadConfig } from '../src/config';
import { withLocalSecrets } from '../src/local-secrets';
import { startDeliveryLoop } from '../src/modules/webhook/delivery-loop';
import { createLogger } from '../src/observability/logger';

/** Without WEBHOOK_DELIVERY_INTERVAL_MS (or with 0, which turns the hub's own loop off) the worker runs a round every 5 s. */
const DEFAULT_INTERVAL_MS = 5000;

/**
 * `npm run worker`: the webhook delivery loop of the hub (src/modules/webhook/delivery-loop.ts)
 * as a process of its own, on the same database and settings (DATABASE_URL, SECRETS_KEY,
 * WEBHOOK_*). Run it beside hubs started with WEBHOOK_DELIVERY_INTERVAL_MS=0, or beside hubs that
 * deliver too: workers claim different deliveries. SIGTERM/SIGINT finish the round in progress.
 */
async function main(): Promise<void> {
  const loaded = withLocalSecrets(loadConfig(), { secretsKey: true });
  const config = { ...loaded, webhooks: { ...loaded.webhooks, deliveryIntervalMs: loaded.webhooks.deliveryIntervalMs || DEFAULT_INTERVAL_MS } };
  const logger = createLogger(config.logLevel);
  const dataSource = await openDataSource();
  const loop = startDeliveryLoop({ config, dataSource, secrets: new SecretBox(config.secretsKey), clock: () => new Date(), logger, keepAlive: true });
  logger.info({ intervalMs: config.webhooks.deliveryIntervalMs, database: dataSource.options.type }, 'webhook worker running');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'webhook worker stopping: finishing the round in progress');
    loop
      .stop()
      .then(() => dataSource.destroy())
      .then(
        () => process.exit(0),
        (e: unknown) => {
          logger.error({ err: (e as Error).message }, 'webhook worker shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', msg: 'webhook worker failed to start', err: (e as Error).message }) + '\n');
  process.exit(1);
});
