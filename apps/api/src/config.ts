import envSchema from 'env-schema';
import { Type, type Static } from 'typebox';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * ALB hands a Lambda target at most 1 MB of request body, and base64-encodes binary bodies
 * (4/3 larger), so 512 KiB is the largest limit both computes can honour identically.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 */
export const MAX_BODY_LIMIT_BYTES = 512 * 1024;

/** ECS sends SIGKILL 30 s after SIGTERM (stopTimeout); the drain must finish before that. */
export const MAX_SHUTDOWN_TIMEOUT_MS = 29_000;

const EnvSchema = Type.Object({
  HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Unsafe<(typeof LOG_LEVELS)[number]>({ type: 'string', enum: [...LOG_LEVELS], default: 'info' }),
  BODY_LIMIT_BYTES: Type.Integer({ default: MAX_BODY_LIMIT_BYTES, minimum: 1, maximum: MAX_BODY_LIMIT_BYTES }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ default: 25_000, minimum: 1000, maximum: MAX_SHUTDOWN_TIMEOUT_MS }),
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

/** Reads and validates the environment once; everything else receives the typed result. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  let parsed: Static<typeof EnvSchema>;
  try {
    parsed = envSchema<Static<typeof EnvSchema>>({ schema: EnvSchema, data: env, dotenv: false });
  } catch (err) {
    // ajv names the variable as "env/PORT"; users know it as PORT.
    const detail = (err as Error).message.replaceAll('env/', '');
    throw new ConfigError(`Invalid environment: ${detail}. Allowed LOG_LEVEL values: ${LOG_LEVELS.join(', ')}.`);
  }
  return {
    host: parsed.HOST,
    port: parsed.PORT,
    logLevel: parsed.LOG_LEVEL,
    bodyLimitBytes: parsed.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
  };
}
