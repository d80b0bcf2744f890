import { StandaloneValidator } from '@fastify/ajv-compiler';
import { StandaloneSerializer } from '@fastify/fast-json-stringify-compiler';
import { buildApp } from './app';
import { loadConfig } from './config';
import { serializerKey, validatorKey, type CompilersFactory } from './lazy-schema-compilers';

export interface PrecompiledSource {
  /** `validatorKey` or `serializerKey` of what it compiles. */
  key: string;
  /** Standalone code: a CommonJS module whose export is the validator or the serializer. */
  code: string;
}

export interface SchemaCatalogue {
  /** Ajv's code, requiring Ajv's runtime helpers and ajv-formats' formats (from @fastify/ajv-compiler). */
  validators: PrecompiledSource[];
  /** fast-json-stringify's code, requiring its own serializer helpers (from @fastify/fast-json-stringify-compiler). */
  serializers: PrecompiledSource[];
}

/**
 * The standalone code of the validator and the serializer of every route schema of the app,
 * compiled as the app compiles them on first use (the same Ajv and fast-json-stringify options,
 * through Fastify's own compilers). The build puts it in the bundles (build.mjs), so a cold start
 * neither loads the compilers nor compiles.
 * https://fastify.dev/docs/latest/Reference/Validation-and-Serialization/
 */
export async function schemaCatalogue(): Promise<SchemaCatalogue> {
  const catalogue: SchemaCatalogue = { validators: [], serializers: [] };
  const schemaCompilers = {
    buildValidator: StandaloneValidator({
      readMode: false,
      storeFunction: (route, code) => void catalogue.validators.push({ key: validatorKey(route), code }),
    }),
    buildSerializer: StandaloneSerializer({
      readMode: false,
      storeFunction: (route, code) => void catalogue.serializers.push({ key: serializerKey(route), code }),
    }),
  } as unknown as CompilersFactory;
  // Every route is registered whatever the configuration; the job routes only answer differently.
  const app = buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), compute: 'lambda', schemaCompilers });
  await app.ready();
  await app.close();
  return catalogue;
}
