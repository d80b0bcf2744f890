export const DEFAULT_INPUT = 'default';

export const TRANSFORMS = ['uppercase', 'lowercase', 'capitalize'] as const;
export type TransformName = (typeof TRANSFORMS)[number];

/**
 * True when `tag` is a well-formed BCP 47 language tag. Checked up front because
 * String#toLocaleUpperCase throws a RangeError on a malformed tag.
 */
export function isLocaleTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

export function uppercase(input: string = DEFAULT_INPUT, locale?: string): string {
  return input.toLocaleUpperCase(locale);
}

export function lowercase(input: string = DEFAULT_INPUT, locale?: string): string {
  return input.toLocaleLowerCase(locale);
}

/** Upper-cases the first character (a whole code point, so astral letters survive) and leaves the rest unchanged. */
export function capitalize(input: string = DEFAULT_INPUT, locale?: string): string {
  const first = input.codePointAt(0);
  if (first === undefined) return input;
  const firstChar = String.fromCodePoint(first);
  return firstChar.toLocaleUpperCase(locale) + input.slice(firstChar.length);
}

export function transform(name: TransformName, input?: string, locale?: string): string {
  switch (name) {
    case 'uppercase':
      return uppercase(input, locale);
    case 'lowercase':
      return lowercase(input, locale);
    case 'capitalize':
      return capitalize(input, locale);
  }
}
