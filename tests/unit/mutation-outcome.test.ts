import { toGlobalId } from '../../src/common/global-id';
import { encode } from '../../src/modules/idempotency/mutation-outcome';
import { License } from '../../src/modules/license/license.entity';
import { PortalUser } from '../../src/modules/user/portal-user.entity';

const LICENSE_ID = '01890000-0000-7000-8000-000000000001';
const PERSON_ID = '01890000-0000-7000-8000-000000000002';
const ERASED_ID = '01890000-0000-7000-8000-000000000003';

/** What an Idempotency-Key record keeps of a payload: references, never the values of the rows. */
describe('the outcome of a keyed mutation', () => {
  it('keeps rows as type and id (no column value), lists, dates and plain values as they are, and collects the people it names', () => {
    const license = Object.assign(new License(), { id: LICENSE_ID, activationKeyCipher: 'sealed-key', seats: 3 });
    const person = Object.assign(new PortalUser(), { id: PERSON_ID, name: 'Bruno Almeida', email: 'admin@vigilancia-c1.example' });
    const subjects = new Set<string>();
    const encoded = encode(
      { licenses: [license], user: person, report: { people: 1, at: new Date('2026-11-27T12:00:00.000Z'), items: [{ subjectId: toGlobalId('PortalUser', ERASED_ID) }] }, gone: null },
      subjects,
    );
    expect(encoded).toEqual([
      'obj',
      {
        licenses: ['list', [['ref', 'License', LICENSE_ID]]],
        user: ['ref', 'PortalUser', PERSON_ID],
        report: ['obj', { people: 1, at: ['date', '2026-11-27T12:00:00.000Z'], items: ['list', [['obj', { subjectId: toGlobalId('PortalUser', ERASED_ID) }]]] }],
        gone: null,
      },
    ]);
    expect(JSON.stringify(encoded)).not.toMatch(/Bruno|vigilancia|sealed-key/);
    // Licenses are not about a person; the user and the id in the report are.
    expect([...subjects].sort()).toEqual([PERSON_ID, ERASED_ID]);
  });
});
