import { PersonalValue } from '../helpers/personal-values';
import { findValues, searchableText } from '../helpers/side-channel-scan';

/**
 * The scanner of the side-channel suite (pure, no hub): a value is found however the bytes
 * carry it, and a short value does not match by accident inside ids.
 */
describe('side-channel scanner', () => {
  const v = (value: string, extra: Partial<PersonalValue> = {}): PersonalValue => ({ value, category: 'customer person', subject: 'test', ...extra });

  it('finds a value as it is, lower- or upper-cased, without its accents, and JSON-escaped', () => {
    const values = [v('Zeynep Şahin')];
    for (const body of ['{"name":"Zeynep Şahin"}', '{"name":"ZEYNEP ŞAHIN"}', '{"name":"zeynep sahin"}', '{"name":"Zeynep \\u015eahin"}']) {
      expect([body, findValues('r', body, {}, values).length]).toEqual([body, 1]);
    }
  });

  it('finds a value inside a base64url cursor or id, and in a response header', () => {
    const cursor = Buffer.from(JSON.stringify(['Rohan Kulkarni', '0189'])).toString('base64url');
    expect(findValues('r', `{"cursor":"${cursor}"}`, {}, [v('Rohan Kulkarni')])).toHaveLength(1);
    expect(findValues('r', '{}', { 'x-debug': 'rohan kulkarni' }, [v('Rohan Kulkarni')])[0].where).toBe('header');
  });

  it('does not match a value inside a global id or a uuid, nor a status word inside another word', () => {
    const id = Buffer.from('PortalUser:01890000-0000-7000-8000-00000000dead').toString('base64url');
    expect(searchableText(`{"id":"${id}"}`)).not.toContain('dead');
    expect(findValues('r', `{"id":"${id}","requestId":"01890000-0000-7000-8000-00000000dead"}`, {}, [v('dead')])).toEqual([]);
    expect(findValues('r', '{"message":"undisabledness"}', {}, [v('DISABLED', { word: true })])).toEqual([]);
    expect(findValues('r', '{"message":"the person is DISABLED"}', {}, [v('DISABLED', { word: true })])).toHaveLength(1);
  });

  it('leaves out what the asker supplied itself', () => {
    expect(findValues('r', '{"hostId":"8F29-0B87"}', {}, [v('8F29-0B87')], { supplied: '{"hostId":"8F29-0B87"}' })).toEqual([]);
  });
});
