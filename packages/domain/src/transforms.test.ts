import fc from 'fast-check';
import { capitalize, isLocaleTag, lowercase, transform, uppercase } from './transforms';

const anyText = fc.string({ unit: 'binary' });

describe('transforms', () => {
  test.each([
    ['uppercase', undefined, undefined, 'DEFAULT'],
    ['lowercase', undefined, undefined, 'default'],
    ['capitalize', undefined, undefined, 'Default'],
    ['uppercase', 'hello world', undefined, 'HELLO WORLD'],
    ['lowercase', 'HeLLo', undefined, 'hello'],
    ['capitalize', 'hello wORLD', undefined, 'Hello wORLD'],
    ['capitalize', '', undefined, ''],
    ['capitalize', '𝒶bc', undefined, '𝒶bc'],
    ['capitalize', 'ǆemal', undefined, 'Ǆemal'],
    ['uppercase', 'straße', undefined, 'STRASSE'],
    // Turkish dotted and dotless i are the classic locale trap.
    ['uppercase', 'istanbul', 'tr', 'İSTANBUL'],
    ['uppercase', 'istanbul', 'en', 'ISTANBUL'],
    ['lowercase', 'İSTANBUL', 'tr', 'istanbul'],
    ['capitalize', 'izmir', 'tr', 'İzmir'],
  ] as const)('%s(%j, %j) → %j', (name, input, locale, expected) => {
    expect(transform(name, input, locale)).toBe(expected);
  });

  test.each([
    ['en', true],
    ['tr-TR', true],
    ['zh-Hant-TW', true],
    ['', false],
    ['not a locale', false],
    ['en_US', false],
  ])('isLocaleTag(%j) → %s', (tag, ok) => {
    expect(isLocaleTag(tag)).toBe(ok);
  });

  test('uppercase and lowercase are idempotent', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(uppercase(uppercase(s))).toBe(uppercase(s));
        expect(lowercase(lowercase(s))).toBe(lowercase(s));
      }),
    );
  });

  test('capitalize changes only the first character', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const first = s.codePointAt(0);
        const firstLength = first === undefined ? 0 : String.fromCodePoint(first).length;
        const out = capitalize(s);
        expect(out.endsWith(s.slice(firstLength))).toBe(true);
        expect(capitalize(out)).toBe(out);
      }),
    );
  });

  test('plain ASCII round-trips through case changes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z ]*$/), (s) => {
        expect(lowercase(uppercase(s))).toBe(s);
      }),
    );
  });
});
