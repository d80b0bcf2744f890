import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { LambdaHttpHandler } from '@switchyard/lambda-local/contract';
import { createLambdaGateway } from '@switchyard/lambda-local/gateway';
import { ConfigError, loadConfig } from './config';

/*
 * `pnpm start`: the two computes side by side on this machine. The native server (Fargate mode)
 * runs as its own process; the Lambda-mode endpoint turns each request into an ALB event and
 * invokes the real bundled handler, as the load balancer in front of the function would.
 */
const fargatePort = Number(process.env.PORT ?? 3000);
const lambdaPort = Number(process.env.LAMBDA_PORT ?? 3001);
const host = process.env.HOST ?? '127.0.0.1';

// What the two computes will actually use, printed first, so a variable that did not arrive shows.
let effective: string;
try {
  const config = loadConfig({ ...process.env, PORT: String(fargatePort), HOST: host });
  if (!Number.isInteger(lambdaPort) || lambdaPort < 0 || lambdaPort > 65535) throw new ConfigError(`LAMBDA_PORT must be a port number`);
  effective = `PORT=${config.port} LAMBDA_PORT=${lambdaPort} HOST=${config.host} LOG_LEVEL=${config.logLevel} BODY_LIMIT_BYTES=${config.bodyLimitBytes} SHUTDOWN_TIMEOUT_MS=${config.shutdownTimeoutMs}`;
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
console.log(`configuration: ${effective}`);

// Registered before anything slow, so an early Ctrl-C still stops the child it is about to start.
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));

const server = spawn(process.execPath, [join(__dirname, 'server.js')], {
  env: { ...process.env, PORT: String(fargatePort), HOST: host },
  stdio: 'inherit',
});

// Loaded at run time, not bundled in, so this endpoint exercises the very file Lambda runs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require(join(__dirname, 'lambda.js')) as { handler: LambdaHttpHandler };
const gateway: Server | undefined = createLambdaGateway(handler, { kind: 'alb-multi-value' });

gateway.listen(lambdaPort, host, () => {
  const fargate = `http://${host}:${fargatePort}`;
  const lambda = `http://${host}:${lambdaPort}`;
  console.log(`
switchyard is running locally
  Fargate mode (native HTTP server):    ${fargate}
  Lambda mode  (ALB event -> handler):  ${lambda}

Try the same request against both:
  curl ${fargate}/            curl ${lambda}/
  curl '${fargate}/hello?name=Ada'
  curl '${lambda}/hello?name=Ada'
  curl -X POST ${lambda}/users -H 'content-type: application/json' -d '{"email":"ada@example.com"}'
  curl ${fargate}/openapi.json

Ctrl-C stops both.
`);
});

function stop(signal: NodeJS.Signals): void {
  gateway?.close();
  server.kill(signal);
}
server.on('exit', (code) => {
  gateway.close();
  process.exitCode = code ?? 0;
});
