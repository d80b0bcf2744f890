import { MAX_SHUTDOWN_TIMEOUT_MS, SHUTDOWN_TIMEOUT_MS } from '@switchyard/domain/timing-budget';
import { ConfigError, loadConfig, MAX_BODY_LIMIT_BYTES } from './config';

describe('loadConfig', () => {
  test('defaults suit a container behind an ALB', () => {
    expect(loadConfig({})).toEqual({
      host: '0.0.0.0',
      port: 3000,
      logLevel: 'info',
      bodyLimitBytes: MAX_BODY_LIMIT_BYTES,
      shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
    });
  });

  test('reads and coerces the environment', () => {
    expect(
      loadConfig({ HOST: '127.0.0.1', PORT: '8080', LOG_LEVEL: 'debug', BODY_LIMIT_BYTES: '1024', SHUTDOWN_TIMEOUT_MS: '5000' }),
    ).toEqual({
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'debug',
      bodyLimitBytes: 1024,
      shutdownTimeoutMs: 5000,
    });
  });

  test.each([
    [{ PORT: 'abc' }, 'PORT must be integer'],
    [{ PORT: '70000' }, 'PORT must be <= 65535'],
    [{ PORT: '8080.5' }, 'PORT must be integer'],
    [{ PORT: '' }, 'PORT must be integer'],
    [{ PORT: 'true' }, 'PORT must be integer'],
    [{ HOST: '' }, 'HOST must NOT have fewer than 1 characters'],
    [{ BODY_LIMIT_BYTES: '0' }, 'BODY_LIMIT_BYTES must be >= 1'],
    [{ PORT: 'Infinity' }, 'PORT must be integer'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be equal to one of the allowed values'],
    [{ BODY_LIMIT_BYTES: String(MAX_BODY_LIMIT_BYTES + 1) }, `BODY_LIMIT_BYTES must be <= ${MAX_BODY_LIMIT_BYTES}`],
    [{ SHUTDOWN_TIMEOUT_MS: String(MAX_SHUTDOWN_TIMEOUT_MS + 1) }, `SHUTDOWN_TIMEOUT_MS must be <= ${MAX_SHUTDOWN_TIMEOUT_MS}`],
  ])('%j fails fast naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('only a bad LOG_LEVEL lists the allowed levels', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/Allowed LOG_LEVEL values: fatal, error/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^Invalid environment: PORT must be integer\.$/);
  });
});
