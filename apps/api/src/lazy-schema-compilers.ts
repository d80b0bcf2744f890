import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifySchemaCompiler, FastifySchemaValidationError, FastifySerializerCompiler, FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type AjvFactory = ReturnType<typeof AjvCompiler>;
type Validate = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };

function lazyValidators(...factoryArgs: Parameters<AjvFactory>): FastifySchemaCompiler<unknown> {
  const compile = AjvCompiler()(...factoryArgs);
  return (route) => {
    let compiled: Validate | undefined;
    // Fastify reads the errors of a failed validation from the function it was given, and only then.
    const validate: Validate = (data) => {
      compiled ??= compile(route) as Validate;
      const valid = compiled(data);
      if (!valid) validate.errors = compiled.errors;
      return valid;
    };
    return validate;
  };
}

function lazySerializers(...factoryArgs: Parameters<ReturnType<typeof SerializerSelector>>): FastifySerializerCompiler<unknown> {
  const compile = SerializerSelector()(...factoryArgs);
  return (route) => {
    let compiled: ((data: unknown) => string) | undefined;
    // The compiler reads only the route's schema; its type also insists on an httpStatus.
    const definition = route as Parameters<typeof compile>[0];
    return (data: unknown) => (compiled ??= compile(definition))(data);
  };
}

/**
 * Fastify's own compilers, deferred: each route's validator and serializer is compiled the first
 * time that route needs it instead of at start-up. A Lambda cold start then compiles the schemas
 * of the one route it answers, not those of every route. The routes' tests run every schema, so a
 * broken one still fails there rather than in production.
 */
export function lazySchemaCompilers(): CompilersFactory {
  // Fastify types the factories by Ajv's own function types; these return plain functions of the same shape.
  return { buildValidator: lazyValidators, buildSerializer: lazySerializers } as unknown as CompilersFactory;
}
