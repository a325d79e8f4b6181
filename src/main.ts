import 'reflect-metadata';
import { loadConfig } from './config';
import { withLocalSecrets } from './local-secrets';
import { openDatabase } from './bootstrap';
import { createHub } from './http/hub-server';
import { createLogger } from './observability/logger';

async function main(): Promise<void> {
  const config = withLocalSecrets(loadConfig(), { secretsKey: true, jwtSecret: true });
  const logger = createLogger(config.logLevel);
  const { dataSource, seeded } = await openDatabase(config);
  if (seeded) logger.info({ counts: seeded }, 'seeded the demo world on first start');
  // The webhook delivery loop runs here unless WEBHOOK_DELIVERY_INTERVAL_MS=0 (then `npm run worker` delivers).
  const hub = await createHub({ config, dataSource, logger, deliverWebhooks: true });
  const host = process.env.HOST ?? '127.0.0.1';
  const port = await hub.listen(config.port, host);
  const scheme = config.tls.certFile ? 'https' : 'http';
  logger.info({ url: `${scheme}://${host}:${port}/graphql`, database: dataSource.options.type }, 'hub listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    hub.close().then(
      () => process.exit(0),
      (e) => {
        logger.error({ err: (e as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', msg: 'hub failed to start', err: (e as Error).message }) + '\n');
  process.exit(1);
});
