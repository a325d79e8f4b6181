import 'reflect-metadata';
import { openDataSource } from '../ormconfig';
import { fromGlobalIdOf } from '../src/common/global-id';
import { loadConfig } from '../src/config';
import { issueUserToken } from '../src/context/authenticate';
import { withLocalSecrets } from '../src/local-secrets';
import { Organization } from '../src/modules/organization/organization.entity';
import { PortalUser } from '../src/modules/user/portal-user.entity';

const USAGE = 'usage: npm run token -- <email> [<organization name or id>]';

/**
 * `npm run token -- <email> [<organization>]`: prints a JWT for that portal user, and nothing
 * else, on stdout. An address is unique within an organization only: when several
 * organizations hold it, the organization (its name or id) says which person is meant.
 */
async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') throw new Error('npm run token refuses to run with NODE_ENV=production');
  const [email, organization] = process.argv.slice(2);
  if (!email) throw new Error(USAGE);
  const config = withLocalSecrets(loadConfig(), { jwtSecret: true });
  const dataSource = await openDataSource();
  try {
    const people = await dataSource.getRepository(PortalUser).find({ where: { email: email.toLowerCase() }, relations: { organization: true }, order: { id: 'ASC' } });
    const matches = organization ? people.filter((p) => named(p.organization!, organization)) : people;
    if (!matches.length) throw new Error(`no portal user with e-mail ${email}${organization ? ` in organization ${organization}` : ''}`);
    if (matches.length > 1) {
      const orgs = matches.map((p) => `${p.organization!.name} (${p.organizationId})`).join(', ');
      throw new Error(`the e-mail ${email} is used in ${matches.length} organizations: ${orgs}; name one: ${USAGE}`);
    }
    process.stdout.write((await issueUserToken(config, matches[0].id)) + '\n');
  } finally {
    await dataSource.destroy();
  }
}

/** The organization given by its name (any letter case), its id, or its global id. */
function named(org: Organization, given: string): boolean {
  return org.name.toLowerCase() === given.toLowerCase() || org.id === given || fromGlobalIdOf('Organization', given) === org.id;
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
