import fc from 'fast-check';
import { createUser, isEmail } from './users';

const fixedId = () => 'id-1';

describe('createUser', () => {
  test('returns the new user with a generated id and the domain lower-cased', () => {
    expect(createUser({ email: '  Ada.Lovelace@Example.COM ' }, { generateId: fixedId })).toEqual({
      ok: true,
      user: { id: 'id-1', email: 'Ada.Lovelace@example.com' },
    });
  });

  test('generates a distinct UUID per user by default', () => {
    const a = createUser({ email: 'a@example.com' });
    const b = createUser({ email: 'a@example.com' });
    if (!a.ok || !b.ok) throw new Error('expected success');
    expect(a.user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.user.id).not.toBe(b.user.id);
  });

  test.each([
    [{}, 'EMAIL_REQUIRED'],
    [{ email: undefined }, 'EMAIL_REQUIRED'],
    [{ email: null }, 'EMAIL_REQUIRED'],
    [{ email: '' }, 'EMAIL_REQUIRED'],
    [{ email: '   ' }, 'EMAIL_REQUIRED'],
    [{ email: 42 }, 'EMAIL_INVALID'],
    [{ email: ['a@example.com'] }, 'EMAIL_INVALID'],
    [{ email: 'plainaddress' }, 'EMAIL_INVALID'],
    [{ email: '@example.com' }, 'EMAIL_INVALID'],
    [{ email: 'a@' }, 'EMAIL_INVALID'],
    [{ email: 'a@localhost' }, 'EMAIL_INVALID'],
    [{ email: 'a b@example.com' }, 'EMAIL_INVALID'],
    [{ email: 'a..b@example.com' }, 'EMAIL_INVALID'],
    [{ email: '.a@example.com' }, 'EMAIL_INVALID'],
    [{ email: 'a@-example.com' }, 'EMAIL_INVALID'],
    [{ email: 'a@example.c' }, 'EMAIL_INVALID'],
    [{ email: `${'a'.repeat(65)}@example.com` }, 'EMAIL_INVALID'],
    [{ email: `a@${'b'.repeat(250)}.com` }, 'EMAIL_INVALID'],
  ])('%j is rejected with %s', (input, code) => {
    const result = createUser(input, { generateId: fixedId });
    expect(result).toEqual({ ok: false, error: { code, message: expect.any(String) } });
  });

  test('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.record({ email: fc.anything() }, { requiredKeys: [] }), (input) => {
        const result = createUser(input, { generateId: fixedId });
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });

  test('accepts every well-formed address', () => {
    // fast-check's generator follows RFC 1123/5322; top-level labels are letters, as the validator requires.
    const address = fc.emailAddress().filter((e) => /\.[A-Za-z]{2,63}$/.test(e));
    fc.assert(
      fc.property(address, (email) => {
        expect(isEmail(email)).toBe(true);
        expect(createUser({ email }, { generateId: fixedId }).ok).toBe(true);
      }),
    );
  });

  test('rejects any address without exactly one usable @', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('@')),
        (s) => {
          expect(isEmail(s)).toBe(false);
        },
      ),
    );
  });
});
