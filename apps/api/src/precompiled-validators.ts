import type { FastifySchemaValidationError } from 'fastify';

export type Validate = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };

/**
 * The route validator the build compiled ahead of time for a `validatorKey` (lazy-schema-compilers.ts),
 * as a function that loads it. Run from source (tests, tsx) there are none and every route compiles
 * its own on first use; the build puts Ajv's standalone code for every route schema of the app in
 * this module's place (build.mjs, validator-catalogue.ts).
 */
export function precompiledValidator(_key: string): (() => Validate) | undefined {
  return undefined;
}
