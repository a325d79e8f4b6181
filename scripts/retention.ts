import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { openDataSource } from '../ormconfig';
import { ActorType } from '../src/common/enums';
import { SecretBox } from '../src/common/secret-box';
import { loadConfig } from '../src/config';
import { withLocalSecrets } from '../src/local-secrets';
import { DEFAULT_BATCH_SIZE, retentionYearsFrom, runRetention } from '../src/jobs/retention';

const USAGE = 'usage: npm run retention -- [--dry-run] [--batch-size N]';

/**
 * `npm run retention -- --dry-run` lists the people and computers past their retention deadline;
 * without --dry-run it pseudonymizes them. Real clock, SYSTEM actor, one audit event per run.
 * The list names ids, deadlines and reasons only: no personal value goes to the terminal.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let dryRun = false;
  let batchSize = DEFAULT_BATCH_SIZE;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--batch-size') {
      batchSize = Number(args[++i]);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error(`--batch-size must be 1..10000\n${USAGE}`);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE + '\n');
      return;
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  const config = withLocalSecrets(loadConfig(), { secretsKey: true });
  const years = retentionYearsFrom();
  const dataSource = await openDataSource();
  try {
    const report = await runRetention({
      dataSource,
      secrets: new SecretBox(config.secretsKey),
      now: new Date(),
      dryRun,
      actor: { type: ActorType.SYSTEM, id: null, organizationId: null },
      requestId: `retention-cli-${randomUUID()}`,
      years,
      batchSize,
    });
    const verb = dryRun ? 'would erase' : 'erased';
    const out = [
      `retention ${dryRun ? 'dry run' : 'run'} at ${report.startedAt.toISOString()} (statutory period ${report.retentionYears} years): ${verb} ${report.people} ${report.people === 1 ? 'person' : 'people'} and ${report.computers} ${report.computers === 1 ? 'computer' : 'computers'}`,
      ...report.items.map((i) => `${i.subjectType}\t${i.id}\tdeadline ${i.deadline.toISOString()}\t${i.reason}`),
    ];
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
