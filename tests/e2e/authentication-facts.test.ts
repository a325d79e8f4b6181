import 'reflect-metadata';
import { DISTRIBUTOR_SLUGS, orgId, PERSONAS, userId } from '../../seeds/personas';
import { ContractStatus } from '../../src/common/enums';
import { toGlobalId } from '../../src/common/global-id';
import { CountingLogger } from '../../src/common/query-counter';
import { sha256Hex } from '../../src/common/secret-box';
import { SqlRunner } from '../../src/common/sql';
import { ActorStatements } from '../../src/context/actor-statement';
import { Authenticator } from '../../src/context/authenticate';
import { ApiKey } from '../../src/modules/api-key/api-key.entity';
import { Contract } from '../../src/modules/contract/contract.entity';
import { loadJurisdictionData } from '../../src/modules/jurisdiction/jurisdiction.service';
import { Organization } from '../../src/modules/organization/organization.entity';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { BY_ID } from '../../src/policy/reachable';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';
import { countStatements } from '../helpers/relay';

/**
 * Issue #7: authenticating is one statement, which for a distributor also carries the facts of
 * its own transfer gate, so that deciding that gate later in the request costs nothing more.
 * The hub runs in this process: CountingLogger counts exactly the statements of a request.
 */

const VIEWER_ORG = `{ viewer { role organization { name } } }`;
// Not TransferDecision.contract: handing the contract to the viewer is a row-scoped read of its own.
const VIEWER_GATE = `{ viewer { role organization { name transferBasis { allowed basis reason validUntil } } } }`;

describe(`authentication in one statement, with a distributor's gate facts (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let authenticator: Authenticator;

  beforeAll(async () => {
    hub = await TestHub.start('authentication_facts');
    authenticator = new Authenticator(hub.config, hub.dataSource);
    // A first request, so that nothing once-per-process is counted below.
    await (await hub.as(PERSONAS.vendorAdmin)).data(`{ viewer { role } }`);
  });
  afterAll(() => hub?.close());

  const bearer = async (email: string) => `Bearer ${await hub.tokenFor(email)}`;
  const statementsOf = async (client: Client, query: string) => {
    const { result, statements } = await countStatements(CountingLogger, () => client.data(query));
    return { data: result, statements };
  };

  /** What the gate read before issue #7: the UNION of the two tables, and the contracts loader's statement. */
  async function factsAsLoaded(slug: string) {
    const pages = await new SqlRunner(hub.dataSource).pages({ entity: Contract, where: [], sort: BY_ID }, 'e.distributorId', [orgId(slug)], { first: 10_000, after: null });
    return { jurisdictions: await loadJurisdictionData(hub.dataSource), contracts: pages.get(orgId(slug)) ?? [] };
  }

  it('authenticates a distributor user in exactly one statement, the same for a vendor, customer and an API key', async () => {
    for (const email of [PERSONAS.distributors.mumbai.admin, PERSONAS.vendorAdmin, PERSONAS.customer('mumbai-c1').admin]) {
      const header = await bearer(email);
      const { statements } = await countStatements(CountingLogger, () => authenticator.authenticate(header, hub.now));
      expect({ email, statements }).toEqual({ email, statements: 1 });
    }
    const { secret } = await createApiKey(hub.dataSource, { org: 'vigilancia', scopes: ['customers:read'] });
    const { result, statements } = await countStatements(CountingLogger, () => authenticator.authenticate(`Bearer ${secret}`, hub.now));
    expect(statements).toBe(1);
    expect(result.gateFacts).toBeDefined();
  });

  it('a request that only asks who the viewer is costs that one statement (as admin@mumbai.example)', async () => {
    const mumbai = await hub.as(PERSONAS.distributors.mumbai.admin);
    const { statements } = await statementsOf(mumbai, `{ viewer { role } }`);
    expect(statements).toBe(1);
  });

  it('hydrates the user, the API key and the organization exactly as findOneBy does', async () => {
    for (const slug of ['rhein', 'vigilancia', 'mumbai'] as const) {
      const actor = await authenticator.authenticate(await bearer(PERSONAS.distributors[slug].admin), hub.now);
      expect(actor.organization).toStrictEqual(await hub.dataSource.getRepository(Organization).findOneByOrFail({ id: orgId(slug) }));
      expect(actor.organization.processingCountries).toEqual(expect.any(Array));
      expect(actor.organization.createdAt).toBeInstanceOf(Date);
    }
    const { secret } = await createApiKey(hub.dataSource, { org: 'mumbai', scopes: ['customers:read'] });
    const reader = new ActorStatements(hub.dataSource);
    const key = await reader.apiKeyBySecretHash(sha256Hex(secret));
    expect(key!.subject).toStrictEqual(await hub.dataSource.getRepository(ApiKey).findOneByOrFail({ secretHash: sha256Hex(secret) }));
    expect(key!.subject.createdAt).toBeInstanceOf(Date);
    const user = await reader.userById(userId(PERSONAS.distributors.mumbai.admin));
    expect(user!.subject).toStrictEqual(await hub.dataSource.getRepository(PortalUser).findOneByOrFail({ id: userId(PERSONAS.distributors.mumbai.admin) }));
  });

  it.each(DISTRIBUTOR_SLUGS)("carries %s's gate facts equal, field by field, to what the gate loaded before", async (slug) => {
    const actor = await authenticator.authenticate(await bearer(PERSONAS.distributors[slug].admin), hub.now);
    const loaded = await factsAsLoaded(slug);
    expect(actor.gateFacts).toStrictEqual(loaded);
    for (const c of actor.gateFacts!.contracts) {
      expect(c).toBeInstanceOf(Contract);
      expect(c.effectiveFrom).toBeInstanceOf(Date);
    }
  });

  it('carries no gate facts for the vendor or a customer', async () => {
    for (const email of [PERSONAS.vendorAdmin, PERSONAS.customer('harbor').admin]) {
      const actor = await authenticator.authenticate(await bearer(email), hub.now);
      expect(actor.gateFacts).toBeUndefined();
    }
  });

  it.each(['vigilancia', 'mumbai', 'liberty', 'nordlicht'] as const)(
    "decides %s's own gate with no statement beyond authentication: transferBasis adds none to the viewer's organization",
    async (slug) => {
      const client = await hub.as(PERSONAS.distributors[slug].admin);
      const without = await statementsOf(client, VIEWER_ORG);
      const withGate = await statementsOf(client, VIEWER_GATE);
      expect(withGate.statements).toBe(without.statements);
      // The vendor admin's view of the same gate, loaded as before, says the same.
      const vendor = await hub.as(PERSONAS.vendorAdmin);
      const seen = await vendor.data(`query($id: ID!) { organization(id: $id) { transferBasis { allowed basis reason validUntil } } }`, {
        id: toGlobalId('Organization', orgId(slug)),
      });
      expect(withGate.data.viewer.organization.transferBasis).toEqual(seen.organization.transferBasis);
    },
  );

  it("sees a contract ended by another request on the next request (vigilancia's SCC_2021, terminated by the vendor admin)", async () => {
    const vigilancia = await hub.as(PERSONAS.distributors.vigilancia.admin);
    const before = await statementsOf(vigilancia, VIEWER_GATE);
    expect(before.data.viewer.organization.transferBasis).toMatchObject({ allowed: true, basis: 'SCC_2021' });

    const [scc] = await hub.dataSource.getRepository(Contract).findBy({ distributorId: orgId('vigilancia'), status: ContractStatus.SIGNED });
    const vendor = await hub.as(PERSONAS.vendorAdmin);
    await vendor.data(`mutation($input: TerminateContractInput!) { terminateContract(input: $input) { contract { status } } }`, {
      input: { contractId: toGlobalId('Contract', scc.id), terminatedAt: new Date(hub.now.getTime() - 60_000).toISOString() },
    });

    const after = await statementsOf(vigilancia, VIEWER_GATE);
    expect(after.data.viewer.organization.transferBasis).toMatchObject({ allowed: false, basis: 'NONE', reason: expect.stringMatching(/SCC_2021 contract .* terminated/) });
    expect(after.statements).toBe(before.statements);
  });
});
