import 'reflect-metadata';
import { openDataSource } from '../ormconfig';
import { loadConfig } from '../src/config';
import { issueUserToken } from '../src/context/authenticate';
import { withLocalSecrets } from '../src/local-secrets';
import { PortalUser } from '../src/modules/user/portal-user.entity';

/** `npm run token -- <email>`: prints a JWT for that portal user, and nothing else, on stdout. */
async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') throw new Error('npm run token refuses to run with NODE_ENV=production');
  const email = process.argv[2];
  if (!email) throw new Error('usage: npm run token -- <email>');
  const config = withLocalSecrets(loadConfig(), { jwtSecret: true });
  const dataSource = await openDataSource();
  try {
    const user = await dataSource.getRepository(PortalUser).findOneBy({ email: email.toLowerCase() });
    if (!user) throw new Error(`no portal user with e-mail ${email}`);
    process.stdout.write((await issueUserToken(config, user.id)) + '\n');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
