import 'reflect-metadata';
import { CountingLogger } from '../../src/common/query-counter';
import { PERSONAS } from '../../seeds/personas';
import { TestHub } from '../helpers/hub';

it('debug', async () => {
  const hub = await TestHub.start('zz-scratch-debug');
  const admin = await hub.as(PERSONAS.vendorAdmin);
  const Q = `query($n: Int) { organizations(kind: CUSTOMER, first: $n) { nodes { name users { totalCount nodes { email organization { name } } } licenses { totalCount nodes { customer { name } distributor { name } licensee { email } } } computers { nodes { activations { nodes { license { seats } } } } } distributors { name } personalDataAccess { allowed } } } }`;
  const orig = CountingLogger.prototype.logQuery;
  let log: string[] = [];
  CountingLogger.prototype.logQuery = function (q: string, p?: unknown[]) { log.push(q.slice(0, 160) + ' | ' + (p?.length ?? 0)); return orig.call(this, q, p); };
  for (const n of [1, 23]) {
    log = [];
    await admin.data(Q, { n });
    console.log(n + '\n' + log.join('\n'));
  }
  await hub.close();
});
