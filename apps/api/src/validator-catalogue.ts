import { StandaloneValidator } from '@fastify/ajv-compiler';
import { buildApp } from './app';
import { loadConfig } from './config';
import { lazySchemaCompilers, validatorKey, type CompilersFactory } from './lazy-schema-compilers';

export interface PrecompiledValidatorSource {
  /** `validatorKey` of the route part it validates. */
  key: string;
  /** Ajv's standalone code: a CommonJS module whose export is the validator. */
  code: string;
}

/**
 * Ajv's standalone code for the validator of every route schema of the app, compiled as the app
 * would compile it on first use (the same Ajv options and formats). The build puts it in the
 * bundles (build.mjs), so a cold start neither loads Ajv nor compiles.
 * https://github.com/fastify/ajv-compiler#standalone-validator
 */
export async function validatorCatalogue(): Promise<PrecompiledValidatorSource[]> {
  const sources: PrecompiledValidatorSource[] = [];
  const buildValidator = StandaloneValidator({
    readMode: false,
    storeFunction: (route, code) => void sources.push({ key: validatorKey(route), code }),
  }) as unknown as CompilersFactory['buildValidator'];
  // Every route is registered whatever the configuration; the job routes only answer differently.
  const app = buildApp({
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    compute: 'lambda',
    schemaCompilers: { ...lazySchemaCompilers(), buildValidator },
  });
  await app.ready();
  await app.close();
  return sources;
}
