import Ajv from 'ajv';
import { MAX_SHUTDOWN_TIMEOUT_MS, SHUTDOWN_TIMEOUT_MS } from '@switchyard/domain/timing-budget';
import { Type, type Static } from 'typebox';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * ALB hands a Lambda target at most 1 MB of request body, and base64-encodes binary bodies
 * (4/3 larger), so 512 KiB is the largest limit both computes can honour identically.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 */
export const MAX_BODY_LIMIT_BYTES = 512 * 1024;

const EnvSchema = Type.Object({
  HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Unsafe<(typeof LOG_LEVELS)[number]>({ type: 'string', enum: [...LOG_LEVELS], default: 'info' }),
  BODY_LIMIT_BYTES: Type.Integer({ default: MAX_BODY_LIMIT_BYTES, minimum: 1, maximum: MAX_BODY_LIMIT_BYTES }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ default: SHUTDOWN_TIMEOUT_MS, minimum: 1000, maximum: MAX_SHUTDOWN_TIMEOUT_MS }),
});

export interface AppConfig {
  host: string;
  port: number;
  logLevel: (typeof LOG_LEVELS)[number];
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/*
 * Ajv, which Fastify already carries, coerces the strings of the environment to the schema's types
 * and fills in defaults. Checking the schema itself against JSON Schema's meta-schema is skipped:
 * the schema is fixed and tested here, and compiling the meta-schema would add tens of
 * milliseconds to every Lambda cold start.
 */
let validateEnv: ReturnType<typeof compileEnvValidator> | undefined;
function compileEnvValidator() {
  const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: false, validateSchema: false });
  return ajv.compile<Static<typeof EnvSchema>>(EnvSchema);
}

/** Reads and validates the environment once; everything else receives the typed result. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  validateEnv ??= compileEnvValidator();
  // Only the variables of the schema, copied: coercion and defaults write to the object validated.
  const parsed = Object.fromEntries(
    Object.keys(EnvSchema.properties).flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])),
  );
  if (!validateEnv(parsed)) {
    const [error] = validateEnv.errors ?? [];
    const variable = error?.instancePath.slice(1);
    const detail = error ? `${variable} ${error.message}` : 'invalid';
    const allowed = variable === 'LOG_LEVEL' ? ` Allowed LOG_LEVEL values: ${LOG_LEVELS.join(', ')}.` : '';
    throw new ConfigError(`Invalid environment: ${detail}.${allowed}`);
  }
  return {
    host: parsed.HOST,
    port: parsed.PORT,
    logLevel: parsed.LOG_LEVEL,
    bodyLimitBytes: parsed.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
  };
}
