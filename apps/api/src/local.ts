import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { LambdaHttpHandler } from '@switchyard/lambda-contract/contract';
import { createLambdaGateway } from '@switchyard/lambda-local/gateway';
import { ConfigError, loadConfig } from './config';
import { startLocalTable, type LocalTable } from './jobs/dynalite';
import { ensureJobTable } from './jobs/job-table';
import { createLocalAws, nodeProcess, type LocalAws } from './local-aws';

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

const tablePort = Number(process.env.LOCAL_TABLE_PORT ?? 4567);
/** The job table's data, kept between runs in the repository's git-ignored .local folder. */
const tableData = process.env.LOCAL_TABLE_PATH ?? join(__dirname, '..', '..', '..', '.local', 'dynalite');
const FUNCTION_NAME = 'switchyard-local';
const JOB_TABLE_NAME = 'switchyard-local-jobs';

let table: LocalTable | undefined;
let aws: LocalAws | undefined;
let server: ReturnType<typeof spawn> | undefined;
let gateway: Server | undefined;

/**
 * Jobs run locally as they do in AWS: the table is dynalite, a process of its own with its data on
 * disk; the function's asynchronous invocations and the one-off job tasks are processes started by
 * the stand-ins in local-aws.ts, which the app reaches through the real SDK clients.
 */
async function startJobParts(): Promise<NodeJS.ProcessEnv> {
  mkdirSync(tableData, { recursive: true });
  table = await startLocalTable({ port: tablePort, path: tableData });
  const credentials = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
  await ensureJobTable(
    new DynamoDBClient({
      endpoint: table.endpoint,
      region: credentials.AWS_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    JOB_TABLE_NAME,
  );
  aws = createLocalAws({
    invoke: (functionName, payload) =>
      nodeProcess(join(__dirname, 'local-invoke.js'), [functionName], { SWITCHYARD_INVOKE_PAYLOAD: payload }),
    // The image's entrypoint is node: a task's command starts with the script (dist/job.js <id>).
    runTask: ([script, ...args]) => nodeProcess(join(__dirname, '..', String(script)), args, {}),
  });
  await new Promise<void>((resolve) => aws!.server.listen(0, '127.0.0.1', resolve));
  const awsEndpoint = `http://127.0.0.1:${(aws.server.address() as AddressInfo).port}`;
  return {
    ...credentials,
    JOBS_TABLE: JOB_TABLE_NAME,
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: awsEndpoint,
    AWS_ENDPOINT_URL_ECS: awsEndpoint,
    JOB_CLUSTER: 'local',
    JOB_TASK_DEFINITION: 'switchyard-local-job',
    JOB_SUBNETS: 'local',
    JOB_SECURITY_GROUPS: 'local',
  };
}

async function main(): Promise<void> {
  const jobEnv = await startJobParts();
  Object.assign(process.env, jobEnv);
  server = spawn(process.execPath, [join(__dirname, 'server.js')], {
    env: { ...process.env, PORT: String(fargatePort), HOST: host },
    // The IPC channel tells the server when this process is gone (server.ts).
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  server.on('exit', (code) => {
    gateway?.close();
    void Promise.all([aws?.stop(), table?.stop()]).then(() => (process.exitCode = code ?? 0));
  });

  // Loaded at run time, not bundled in, so this endpoint exercises the very file Lambda runs. Lambda
  // sets the function's name in its environment; the handler invokes itself by it to run a job.
  process.env.AWS_LAMBDA_FUNCTION_NAME = FUNCTION_NAME;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(join(__dirname, 'lambda.js')) as { handler: LambdaHttpHandler };
  gateway = createLambdaGateway(handler, { kind: 'alb-multi-value' });

  gateway.listen(lambdaPort, host, () => {
    const fargate = `http://${host}:${fargatePort}`;
    const lambda = `http://${host}:${lambdaPort}`;
    console.log(`
switchyard is running locally
  Fargate mode (native HTTP server):    ${fargate}
  Lambda mode  (ALB event -> handler):  ${lambda}
  Job table (dynalite):                 ${table!.endpoint}, data in ${tableData}

Try the same request against both:
  curl ${fargate}/            curl ${lambda}/
  curl '${fargate}/hello?name=Ada'
  curl '${lambda}/hello?name=Ada'
  curl -X POST ${lambda}/users -H 'content-type: application/json' -d '{"email":"ada@example.com"}'
  curl ${fargate}/openapi.json

A job on the Lambda port runs in a process of its own (a one-off task when it is long); poll its Location:
  curl -i -X POST ${lambda}/jobs -H 'content-type: application/json' -d '{"kind":"work","input":{"ms":3000}}'

Ctrl-C stops everything.
`);
  });
}

function stop(signal: NodeJS.Signals): void {
  gateway?.close();
  if (server) server.kill(signal);
  else void Promise.all([aws?.stop(), table?.stop()]).then(() => process.exit(1));
}

main().catch((error: unknown) => {
  console.error(`could not start: ${(error as Error).message}`);
  stop('SIGTERM');
});
