import { FastifyInstance } from 'fastify';
import { DataSource, In } from 'typeorm';
import { HubConfig } from '../config';
import { issueUserToken } from '../context/authenticate';
import { PortalUser } from '../modules/user/portal-user.entity';
import { sendJson } from './stages/send';

/**
 * The seed world's personas the console offers in development (docs/seed-world.md): the vendor's
 * three roles, every distributor's admin, and the admins of the customer both rhein and mumbai
 * serve. Kept here, not imported from seeds/, so that the hub does not depend on the seed's code.
 */
export const DEV_PERSONA_EMAILS: readonly string[] = [
  'admin@mobotix.example',
  'support@mobotix.example',
  'dpo@mobotix.example',
  ...['rhein', 'alpen', 'liberty', 'oldglory', 'vigilancia', 'mumbai', 'lioncity', 'gulf', 'bosphorus', 'andes', 'nordlicht'].map((slug) => `admin@${slug}.example`),
  'admin@harbor.example',
];

/** Whether the development sign-in exists: never in production, and only when the hub can sign HS256 tokens itself. */
export function devSignInEnabled(config: HubConfig): boolean {
  return config.nodeEnv !== 'production' && Boolean(config.jwt.secret);
}

interface Persona {
  userId: string;
  email: string;
  name: string;
  role: string;
  organization: string;
  organizationKind: string;
}

/**
 * Development-only sign-in for the console (issue #16): `GET /dev/personas` lists the seed
 * world's personas present in the database, `POST /dev/token` with `{ "userId": "…" }` mints a
 * short-lived token for one of them, exactly as `npm run token` does (issueUserToken, the hub's
 * clock, JWT_TTL_SECONDS). Not registered with NODE_ENV=production: there both paths are the
 * hub's ordinary 404. Only the listed personas get a token: the endpoint is no way to act as
 * any user of a database that holds more than the seed world.
 */
export function devSignInRoutes(app: FastifyInstance, config: HubConfig, dataSource: DataSource, clock: () => Date): void {
  if (!devSignInEnabled(config)) return;
  const personas = async (): Promise<Persona[]> => {
    const users = await dataSource.getRepository(PortalUser).find({
      where: { email: In([...DEV_PERSONA_EMAILS]) },
      relations: { organization: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const first = new Map<string, PortalUser>();
    for (const user of users) if (!first.has(user.email)) first.set(user.email, user);
    return DEV_PERSONA_EMAILS.flatMap((email) => {
      const user = first.get(email);
      if (!user?.organization) return [];
      return [{ userId: user.id, email, name: user.name, role: user.role, organization: user.organization.name, organizationKind: user.organization.kind }];
    });
  };
  app.get('/dev/personas', async (_request, reply) => sendJson(reply, 200, { personas: await personas() }));
  app.post('/dev/token', async (request, reply) => {
    let userId: unknown;
    try {
      userId = (JSON.parse(typeof request.body === 'string' ? request.body : '') as { userId?: unknown }).userId;
    } catch {
      userId = undefined;
    }
    const persona = typeof userId === 'string' ? (await personas()).find((p) => p.userId === userId) : undefined;
    if (!persona) return sendJson(reply, 400, { errors: [{ message: 'userId must name one of GET /dev/personas', extensions: { code: 'BAD_USER_INPUT', field: 'userId' } }] });
    const now = clock();
    const token = await issueUserToken(config, persona.userId, now);
    return sendJson(reply, 200, { token, expiresAt: new Date(now.getTime() + config.jwt.ttlSeconds * 1000).toISOString(), persona });
  });
}
