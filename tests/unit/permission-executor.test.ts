import { GraphQLResolveInfo } from 'graphql';
import { rule } from 'graphql-shield';
import { DomainError, ErrorCode } from '../../src/common/errors';
import { guard } from '../../src/policy/apply-permissions';

/** The executor of the permission rules fails closed on every path graphql-shield's own could open. */
describe('the permission executor', () => {
  const info = {} as GraphQLResolveInfo;
  const resolve = () => 'the value';
  const run = (fn: () => unknown) => guard(rule('T', { cache: 'no_cache' })(fn as never))(resolve, {}, {}, {}, info);

  it('resolves the field only when the rule says true', async () => {
    expect(run(() => true)).toBe('the value');
    expect(await run(async () => true)).toBe('the value');
  });

  it('denies with FORBIDDEN when the rule says false, undefined or anything but true', async () => {
    for (const answer of [false, undefined, null, 'yes', 1, {}]) {
      const denied = run(() => answer) as DomainError;
      expect(denied).toBeInstanceOf(DomainError);
      expect(denied.extensions.code).toBe(ErrorCode.FORBIDDEN);
    }
    expect(((await run(async () => false)) as DomainError).extensions.code).toBe(ErrorCode.FORBIDDEN);
  });

  it('denies when the rule throws or rejects (never allows, unlike not() in graphql-shield)', async () => {
    const thrown = run(() => {
      throw new Error('database down');
    }) as DomainError;
    expect(thrown.extensions.code).toBe(ErrorCode.FORBIDDEN);
    expect(thrown.message).not.toContain('database down');
    expect(((await run(async () => Promise.reject(new Error('x')))) as DomainError).extensions.code).toBe(ErrorCode.FORBIDDEN);
  });

  it("passes the rule's own coded error to the client as it is", () => {
    const gated = new DomainError(ErrorCode.TRANSFER_BASIS_REQUIRED, 'needs a basis');
    expect(run(() => gated)).toBe(gated);
  });
});
