import { PERSONAS } from '../../seeds/personas';
import { TestHub } from '../helpers/hub';
it('debug', async () => {
  const hub = await TestHub.start('zzdebug');
  try {
    const c = await hub.as(PERSONAS.distributors.mumbai.admin);
    const r = await c.gql(`{ viewer { organization { transferBasis { allowed basis reason } } } customers(first: 50) { totalCount nodes { name email address { city } users(first: 5) { nodes { name email } } } } }`);
    console.log(JSON.stringify(r.body, null, 1).slice(0, 3000));
    const r2 = await c.gql(`{ viewer { user { emial } } }`);
    console.log(r2.status, JSON.stringify(r2.body));
  } finally { await hub.close(); }
});
