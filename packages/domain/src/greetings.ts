export const DEFAULT_NAME = 'World';

/** Blank or missing names fall back to "World" rather than greeting nobody ("Hello, "). */
function nameOrDefault(name: string | undefined): string {
  const trimmed = name?.trim();
  return trimmed ? trimmed : DEFAULT_NAME;
}

export function hello(name?: string): string {
  return `Hello, ${nameOrDefault(name)}`;
}

export function goodbye(name?: string): string {
  return `Goodbye, ${nameOrDefault(name)}`;
}
