import 'reflect-metadata';
import { PERSONAS } from '../../seeds/personas';
import { ON_MYSQL } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';
import { ACTIVATE, allocatedFresh, computer, onlyError, writeCounts } from '../helpers/licenses';

/**
 * Text that goes into dashboards, exports and logs holds no control characters (issue #11,
 * section 5): a computer's name, host id and operating system are refused with BAD_USER_INPUT
 * naming the field, as a person's and an organization's name are, and nothing is written.
 * Refused: C0/C1 controls and DEL (NUL, BEL, newlines) and the invisible characters that reorder
 * text on screen (U+202E RIGHT-TO-LEFT OVERRIDE and its kin).
 */
const BAD: [string, string][] = [
  ['NUL', 'PC\u0000one'],
  ['BEL', 'PC\u0007one'],
  ['a newline', 'PC\none'],
  ['a carriage return', 'PC\rone'],
  ['DEL', 'PC\u007fone'],
  ['a C1 control (U+0085)', 'PC\u0085one'],
  ['U+202E RIGHT-TO-LEFT OVERRIDE', 'invoice\u202Efdp.exe'],
  ['U+2066 LEFT-TO-RIGHT ISOLATE', 'PC\u2066one'],
  ['U+2028 LINE SEPARATOR', 'PC\u2028one'],
];

describe(`control characters in names, host ids and operating systems (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let c1: Client;
  let licenseId: string;

  beforeAll(async () => {
    hub = await TestHub.start('input_control_chars');
    c1 = await hub.as(PERSONAS.customer('rhein-c1').user);
    [licenseId] = await allocatedFresh(hub, 'rhein-c1', { distributor: 'rhein', seats: 5 });
  });
  afterAll(() => hub?.close());

  const activate = (pc: Record<string, string>) => c1.gql(ACTIVATE, { input: { licenseId, computer: pc } });

  describe.each(['name', 'hostId', 'os'] as const)('activateLicense: computer.%s', (field) => {
    it.each(BAD)(`refuses %s with BAD_USER_INPUT naming input.computer.${field}, and writes nothing`, async (_what, value) => {
      const before = await writeCounts(hub.dataSource);
      const r = await activate({ ...computer('CTRL-HOST-1', 'Front desk', 'Ubuntu 24.04'), [field]: value });
      const error = onlyError(r, 'activateLicense');
      expect(error.message).toBe(`input.computer.${field}: must not contain control characters`);
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `input.computer.${field}` });
      expect(await writeCounts(hub.dataSource)).toEqual(before);
    });
  });

  it('still accepts ordinary text in every script, and trims surrounding spaces and newlines as before', async () => {
    const r = await activate(computer('  CTRL-HOST-ÄÖ-東京\n', 'Empfang – Kasse 2 (אבג)', 'Windows 11 Pro'));
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.activateLicense.activation.computer).toMatchObject({ hostId: 'CTRL-HOST-ÄÖ-東京', name: 'Empfang – Kasse 2 (אבג)', os: 'Windows 11 Pro' });
  });

  it("refuses U+202E in a person's name and an organization's name as well (one rule for every name)", async () => {
    const me = await hub.as(PERSONAS.customer('rhein-c1').admin);
    const profile = await me.gql(`mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { user { name } } }`, { input: { name: 'Eve\u202Eeve' } });
    expect(profile.body.errors?.[0]).toMatchObject({ message: 'input.name: must not contain control characters', extensions: { code: 'BAD_USER_INPUT', field: 'input.name' } });
    const admin = await hub.as(PERSONAS.vendorAdmin);
    const org = await admin.gql(`mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { name } } }`, {
      input: { kind: 'CUSTOMER', name: 'Evil\u202Eliv\u0045 GmbH', country: 'DE' },
    });
    expect(org.body.errors?.[0]).toMatchObject({ message: expect.stringContaining('input.name: must not contain control characters'), extensions: { code: 'BAD_USER_INPUT' } });
  });
});
