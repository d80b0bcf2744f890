import fc from 'fast-check';
import { goodbye, hello } from './greetings';

describe('greetings', () => {
  test.each([
    [undefined, 'Hello, World', 'Goodbye, World'],
    ['', 'Hello, World', 'Goodbye, World'],
    ['   ', 'Hello, World', 'Goodbye, World'],
    ['Ada', 'Hello, Ada', 'Goodbye, Ada'],
    ['  Ada  ', 'Hello, Ada', 'Goodbye, Ada'],
    ['Jörg 🚀', 'Hello, Jörg 🚀', 'Goodbye, Jörg 🚀'],
  ])('name %j → %j / %j', (name, hi, bye) => {
    expect(hello(name)).toBe(hi);
    expect(goodbye(name)).toBe(bye);
  });

  test('any non-blank name is greeted verbatim, trimmed', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
        (name) => {
          expect(hello(name)).toBe(`Hello, ${name.trim()}`);
          expect(goodbye(name)).toBe(`Goodbye, ${name.trim()}`);
        },
      ),
    );
  });
});
