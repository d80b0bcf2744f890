import { parseArgs } from 'node:util';
import { EVENT_KINDS, type EventKind } from '@switchyard/lambda-contract/contract';
import { startRuntimeFront } from '../src/runtime-front';

/*
 * pnpm lambda:front: an HTTP endpoint on :3001 and a Lambda Runtime API on :9001, for running the
 * image in Lambda mode on a laptop and sending it real requests (see the README).
 */
const usage = `usage: pnpm lambda:front [--http-port 3001] [--runtime-port 9001] [--kind ${EVENT_KINDS.join('|')}] [--host 127.0.0.1]`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

function port(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) fail(`${flag} must be a port number, not '${value}'`);
  return parsed;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'http-port': { type: 'string', default: '3001' },
        'runtime-port': { type: 'string', default: '9001' },
        kind: { type: 'string', default: 'alb-multi-value' },
        host: { type: 'string', default: '127.0.0.1' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  if (!(EVENT_KINDS as readonly string[]).includes(values.kind)) fail(`--kind must be one of ${EVENT_KINDS.join(', ')}`);

  const front = await startRuntimeFront({
    host: values.host,
    httpPort: port(values['http-port'], '--http-port'),
    runtimePort: port(values['runtime-port'], '--runtime-port'),
    kind: values.kind as EventKind,
  }).catch((err: Error) => fail(`could not start: ${err.message}`));

  console.log(
    [
      `Lambda front (${values.kind} events)`,
      `  HTTP:         ${front.url}`,
      `  Runtime API:  AWS_LAMBDA_RUNTIME_API=${front.runtimeApi.address}`,
      `Start the runtime against it, for example the image in Lambda mode (see the README), then: curl ${front.url}/`,
    ].join('\n'),
  );
  void front.runtimeApi.initError.then((error) => console.error(`the runtime failed to start: ${error.message}`));

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void front.close().then(() => process.exit(0)));
}

void main();
