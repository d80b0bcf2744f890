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

/** The keywords EnvSchema uses, as JSON Schema gives them. */
interface VariableSchema {
  type: 'string' | 'integer';
  default: string | number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: readonly string[];
}

/*
 * The schema is applied here, keyword by keyword, with Ajv's coercion of strings to integers and
 * Ajv's messages. A validator library would cost every Lambda cold start its loading and a compiled
 * validator for five variables: a twentieth of what the bundle added to a trivial handler's cold start.
 */
function readVariable(schema: VariableSchema, text: string | undefined): { value: string | number } | { problem: string } {
  if (text === undefined) return { value: schema.default };
  if (schema.type === 'integer') {
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value)) return { problem: 'must be integer' };
    if (schema.maximum !== undefined && value > schema.maximum) return { problem: `must be <= ${schema.maximum}` };
    if (schema.minimum !== undefined && value < schema.minimum) return { problem: `must be >= ${schema.minimum}` };
    return { value };
  }
  if (schema.minLength !== undefined && text.length < schema.minLength)
    return { problem: `must NOT have fewer than ${schema.minLength} characters` };
  if (schema.enum && !schema.enum.includes(text)) return { problem: 'must be equal to one of the allowed values' };
  return { value: text };
}

/** Reads and validates the environment once; everything else receives the typed result. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed: Record<string, string | number> = {};
  for (const [variable, schema] of Object.entries(EnvSchema.properties)) {
    const read = readVariable(schema as unknown as VariableSchema, env[variable]);
    if ('problem' in read) {
      const allowed = variable === 'LOG_LEVEL' ? ` Allowed LOG_LEVEL values: ${LOG_LEVELS.join(', ')}.` : '';
      throw new ConfigError(`Invalid environment: ${variable} ${read.problem}.${allowed}`);
    }
    parsed[variable] = read.value;
  }
  const { HOST, PORT, LOG_LEVEL, BODY_LIMIT_BYTES, SHUTDOWN_TIMEOUT_MS } = parsed as Static<typeof EnvSchema>;
  return { host: HOST, port: PORT, logLevel: LOG_LEVEL, bodyLimitBytes: BODY_LIMIT_BYTES, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS };
}
