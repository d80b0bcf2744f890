import type { AjvCompiler } from '@fastify/ajv-compiler';
import type { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifySchemaCompiler, FastifySerializerCompiler, FastifyServerOptions } from 'fastify';
import { precompiledSerializer, precompiledValidator, type Serialize, type Validate } from './precompiled-schemas';

export type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type AjvFactory = ReturnType<typeof AjvCompiler>;

/** Names a route's validator: one per method, URL and part of the request. */
export const validatorKey = ({ method, url, httpPart }: { method: string; url: string; httpPart?: string }) =>
  `${method} ${url} ${httpPart}`;

/** Names a route's serializer: one per method, URL, status (or class of status) and content type. */
export const serializerKey = ({
  method,
  url,
  httpStatus,
  contentType,
}: {
  method: string;
  url: string;
  httpStatus?: string;
  contentType?: string;
}) => `${method} ${url} ${httpStatus} ${contentType ?? '*'}`;

function lazyValidators(precompiled: typeof precompiledValidator) {
  return (...factoryArgs: Parameters<AjvFactory>): FastifySchemaCompiler<unknown> => {
    // Ajv is loaded and set up for the first schema that has no precompiled validator, if any.
    let compile: ReturnType<AjvFactory> | undefined;
    const ajvCompiler = () =>
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (compile ??= (require('@fastify/ajv-compiler') as { AjvCompiler: typeof AjvCompiler }).AjvCompiler()(...factoryArgs));
    return (route) => onFirstUse(precompiled(validatorKey(route)) ?? (() => ajvCompiler()(route) as Validate));
  };
}

/** A validator made when it first validates. */
function onFirstUse(make: () => Validate): Validate {
  let made: Validate | undefined;
  // Fastify reads the errors of a failed validation from the function it was given, and only then.
  const validate: Validate = (data) => {
    made ??= make();
    const valid = made(data);
    if (!valid) validate.errors = made.errors;
    return valid;
  };
  return validate;
}

function lazySerializers(precompiled: typeof precompiledSerializer) {
  return (...factoryArgs: Parameters<ReturnType<typeof SerializerSelector>>): FastifySerializerCompiler<unknown> => {
    // fast-json-stringify (and the Ajv it loads) is loaded for the first schema that has no precompiled serializer, if any.
    let compile: ReturnType<ReturnType<typeof SerializerSelector>> | undefined;
    const fjsCompiler = () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { SerializerSelector: selector } = require('@fastify/fast-json-stringify-compiler') as {
        SerializerSelector: typeof SerializerSelector;
      };
      return (compile ??= selector()(...factoryArgs));
    };
    return (route) => {
      let made: Serialize | undefined;
      // The compiler reads only the route's schema; its type also insists on an httpStatus.
      const make = precompiled(serializerKey(route)) ?? (() => fjsCompiler()(route as Parameters<ReturnType<typeof fjsCompiler>>[0]));
      return (data: unknown) => (made ??= make())(data);
    };
  };
}

/**
 * Fastify's own compilers, deferred: each route's validator and serializer is compiled the first
 * time that route needs it instead of at start-up. A Lambda cold start then compiles the schemas
 * of the one route it answers, not those of every route. The routes' tests run every schema, so a
 * broken one still fails there rather than in production. A validator or serializer the build
 * compiled ahead of time (`precompiled`, by `validatorKey` and `serializerKey`) is used as it is:
 * then a cold start neither loads Ajv and fast-json-stringify nor compiles, which was a fifth of
 * what the bundle added to it.
 */
export function lazySchemaCompilers(
  precompiled = { validator: precompiledValidator, serializer: precompiledSerializer },
): CompilersFactory {
  // Fastify types the factories by Ajv's own function types; these return plain functions of the same shape.
  return {
    buildValidator: lazyValidators(precompiled.validator),
    buildSerializer: lazySerializers(precompiled.serializer),
  } as unknown as CompilersFactory;
}
