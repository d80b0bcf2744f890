import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/*
 * Loopback stand-ins for the two AWS calls that place jobs: Lambda's Invoke (asynchronous) and
 * ECS's RunTask. The app reaches them through the real SDK clients, pointed here with
 * AWS_ENDPOINT_URL_LAMBDA and AWS_ENDPOINT_URL_ECS, and each starts a real process, as AWS would
 * start a sandbox or a task: the same code paths as in the cloud, with processes for sandboxes.
 */

export interface LocalAwsOptions {
  /** An asynchronous invocation: a process that runs the function's handler with this payload. */
  invoke(functionName: string, payload: string): ChildProcess;
  /**
   * Invocations running at once; more wait in a queue, as Lambda queues asynchronous invocations
   * and runs them as concurrency allows. @default 20
   */
  concurrency?: number;
  /** A one-off task: a process that runs the container override's command with the task's environment. */
  runTask(command: string[]): ChildProcess;
}

export interface LocalAws {
  readonly server: Server;
  stop(): Promise<void>;
}

const RUN_TASK_TARGET = 'AmazonEC2ContainerServiceV20141113.RunTask';
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString()));
    request.on('error', reject);
  });
}

/** An error as the SDK's JSON protocols read one: its type in a header and in the body. */
function awsError(response: ServerResponse, status: number, type: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  response.end(JSON.stringify({ __type: type, message }));
}

export function createLocalAws(options: LocalAwsOptions): LocalAws {
  const running = new Set<ChildProcess>();
  const track = (child: ChildProcess) => {
    running.add(child);
    child.once('exit', () => running.delete(child));
    return child;
  };
  const concurrency = options.concurrency ?? 20;
  const queued: Array<() => void> = [];
  let invoking = 0;
  const startNext = () => {
    while (invoking < concurrency && queued.length) {
      invoking += 1;
      queued.shift()!();
    }
  };
  const enqueue = (functionName: string, payload: string) => {
    queued.push(() =>
      track(options.invoke(functionName, payload)).once('exit', () => {
        invoking -= 1;
        startNext();
      }),
    );
    startNext();
  };

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const invoke = INVOKE_PATH.exec(request.url ?? '');
      if (request.method === 'POST' && invoke) {
        if (request.headers['x-amz-invocation-type'] !== 'Event')
          return awsError(response, 400, 'InvalidRequestContentException', 'Only asynchronous (Event) invocations are served locally');
        enqueue(decodeURIComponent(invoke[1]!), body);
        response.writeHead(202, { 'x-amzn-requestid': randomUUID() });
        return response.end();
      }
      if (request.method === 'POST' && request.headers['x-amz-target'] === RUN_TASK_TARGET) {
        const input = JSON.parse(body) as { overrides?: { containerOverrides?: { command?: string[] }[] } };
        const command = input.overrides?.containerOverrides?.[0]?.command;
        if (!command?.length) return awsError(response, 400, 'InvalidParameterException', 'The task needs a command override');
        const child = track(options.runTask(command));
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        return response.end(
          JSON.stringify({
            tasks: [{ taskArn: `arn:aws:ecs:local:000000000000:task/local/${child.pid}`, lastStatus: 'PROVISIONING' }],
            failures: [],
          }),
        );
      }
      awsError(response, 400, 'UnknownOperationException', `Not served locally: ${request.method} ${request.url}`);
    })().catch((error: Error) => awsError(response, 500, 'ServiceException', error.message));
  });

  return {
    server,
    async stop() {
      queued.length = 0;
      await new Promise((resolve) => server.close(resolve));
      await Promise.all(
        [...running].map(
          (child) =>
            new Promise((resolve) => {
              child.once('exit', resolve);
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/** Spawns `node <script> ...args` with extra environment, its output on this process's. */
export function nodeProcess(script: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
}
