import 'reflect-metadata';
import { loadConfig } from './config';
import { log } from './common/log';
import { openDatabase } from './bootstrap';
import { createHub } from './http/hub-server';

async function main(): Promise<void> {
  const config = loadConfig();
  const { dataSource, seeded } = await openDatabase(config);
  if (seeded) log('info', 'seeded the demo world on first start', { counts: seeded });
  const hub = await createHub({ config, dataSource });
  const host = process.env.HOST ?? '127.0.0.1';
  const port = await hub.listen(config.port, host);
  log('info', 'hub listening', { url: `http://${host}:${port}/graphql`, database: dataSource.options.type });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    hub.close().then(
      () => process.exit(0),
      (e) => {
        log('error', 'shutdown failed', { error: (e as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  log('error', 'hub failed to start', { error: (e as Error).message });
  process.exit(1);
});
