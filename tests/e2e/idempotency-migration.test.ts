import { DataSource } from 'typeorm';
import { resolveDataSourceOptions } from '../../ormconfig';
import { loadConfig } from '../../src/config';
import { ActorType } from '../../src/common/enums';
import { SecretBox } from '../../src/common/secret-box';
import { sqlDate } from '../../src/common/sql';
import { Actor } from '../../src/context/actor';
import { requestHash, startIdempotent } from '../../src/modules/idempotency/idempotency.service';
import * as mysqlInit from '../../src/migrations/mysql/1764200000000-Init';
import * as mysqlOutcome from '../../src/migrations/mysql/1764910000000-IdempotencyOutcome';
import * as sqliteInit from '../../src/migrations/sqlite/1764200000000-Init';
import * as sqliteOutcome from '../../src/migrations/sqlite/1764910000000-IdempotencyOutcome';
import { freshEnv, ON_MYSQL } from '../helpers/database';

/**
 * Migration 1764910000000: Idempotency-Key records written before it held the rendered first
 * answer (personal data, read under the policy of that instant). They lose it, and a retry of
 * one is told it was carried out (CONFLICT): it neither acts twice nor sees the old answer.
 */
describe(`the IdempotencyOutcome migration on ${ON_MYSQL ? 'MariaDB' : 'the embedded database'}`, () => {
  const migrations = ON_MYSQL ? [mysqlInit.Init1764200000000, mysqlOutcome.IdempotencyOutcome1764910000000] : [sqliteInit.Init1764200000000, sqliteOutcome.IdempotencyOutcome1764910000000];
  const actorId = '01890000-0000-7000-8000-0000000000a1';
  const actor = { type: ActorType.USER, id: actorId } as Actor;
  const body = { query: 'mutation { updateMyProfile(input: { phone: "+49 30 555 0100" }) { user { name email } } }' };
  const now = new Date('2026-11-27T12:00:00.000Z');
  const oldAnswer = JSON.stringify({ data: { updateMyProfile: { user: { name: 'Bruno Almeida', email: 'admin@vigilancia-c1.example' } } } });

  it('drops the rendered answers of old records: a retry of a finished one is CONFLICT "already carried out", a running one is still running; down keeps only running ones', async () => {
    const env = await freshEnv('idempotency_migration');
    const options = await resolveDataSourceOptions(env);
    const secrets = new SecretBox(loadConfig(env).secretsKey);

    // The schema as it was, with one finished and one running keyed request.
    const before = new DataSource({ ...options, migrations: migrations.slice(0, 1) });
    await before.initialize();
    await before.runMigrations({ transaction: 'each' });
    const insert = 'INSERT INTO `idempotency_record` (id, actorKey, idempotencyKey, requestHash, status, response, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?)';
    const at = sqlDate(new Date(now.getTime() - 3600 * 1000));
    await before.query(insert, ['01890000-0000-7000-8000-0000000000b1', `USER:${actorId}`, 'old-finished', requestHash(body), 200, JSON.stringify({ sealed: secrets.seal(oldAnswer) }), at]);
    await before.query(insert, ['01890000-0000-7000-8000-0000000000b2', `USER:${actorId}`, 'old-running', requestHash(body), null, null, at]);
    await before.destroy();

    const after = new DataSource({ ...options, migrations });
    await after.initialize();
    try {
      expect((await after.runMigrations({ transaction: 'each' })).map((m) => m.name)).toEqual(['IdempotencyOutcome1764910000000']);
      const rows: Record<string, unknown>[] = await after.query('SELECT * FROM `idempotency_record` ORDER BY idempotencyKey');
      expect(rows.map((r) => ({ key: r.idempotencyKey, status: r.status, outcome: r.outcome, subjects: r.subjects, hasResponse: 'response' in r }))).toEqual([
        { key: 'old-finished', status: 200, outcome: null, subjects: null, hasResponse: false },
        { key: 'old-running', status: null, outcome: null, subjects: null, hasResponse: false },
      ]);

      expect(await startIdempotent(after, secrets, actor, 'old-finished', body, now)).toEqual({
        kind: 'answered',
        status: 200,
        body: { errors: [{ message: 'Idempotency-Key: this request was already carried out; its answer is given only once', extensions: { code: 'CONFLICT', field: 'Idempotency-Key' } }] },
      });
      expect(await startIdempotent(after, secrets, actor, 'old-running', body, now)).toEqual({ kind: 'in-progress' });

      await after.undoLastMigration({ transaction: 'each' });
      const left: { idempotencyKey: string }[] = await after.query('SELECT idempotencyKey FROM `idempotency_record`');
      expect(left.map((r) => r.idempotencyKey)).toEqual(['old-running']);
    } finally {
      await after.destroy();
    }
  });
});
