import type { FastifySchemaValidationError } from 'fastify';

export type Validate = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };
export type Serialize = (data: unknown) => string;

/*
 * The route validators and serializers the build compiled ahead of time, by `validatorKey` and
 * `serializerKey` (lazy-schema-compilers.ts), each as a function that loads it. Run from source
 * (tests, tsx) there are none and every route compiles its own on first use; the build puts the
 * standalone code of every route schema of the app in this module's place (build.mjs,
 * schema-catalogue.ts).
 */

export function precompiledValidator(_key: string): (() => Validate) | undefined {
  return undefined;
}

export function precompiledSerializer(_key: string): (() => Serialize) | undefined {
  return undefined;
}
