/*
 * The sandbox's long-lived side, started detached by `pnpm sandbox up`: moto's server, the fidelity
 * layer in front of it, the ECS agent and Lambda's invoker. It writes where it listens to the state
 * file and runs until SIGTERM, when it stops everything it started.
 *
 *   node --import tsx src/daemon.ts <state dir>
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@switchyard/api/local-table';
import { EcsAgent } from './compute/ecs-agent';
import { LambdaInvoker } from './compute/lambda-invoke';
import { processLauncher } from './compute/task-launcher';
import { startLocalAws } from './local-aws/fidelity-layer';
import { findMoto, startMoto } from './local-aws/moto-server';
import { fidelityPatches } from './local-aws/patches';
import { API_ROOT, SANDBOX_REGION, writeDaemonState } from './sandbox-state';

async function main(): Promise<void> {
  const stateDir = process.argv[2];
  if (!stateDir) throw new Error('usage: daemon.ts <state dir>');
  const logFile = join(stateDir, 'local-aws.log');
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);

  const motoCommand = findMoto();
  if (!motoCommand) throw new Error('moto is not installed');
  const moto = await startMoto(motoCommand, await freePort(), log);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const awsEnvironment = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'sandbox',
    AWS_SECRET_ACCESS_KEY: 'sandbox',
    AWS_REGION: SANDBOX_REGION,
  };
  const launcher = processLauncher(API_ROOT);
  const agent = new EcsAgent({ launcher, awsEnvironment, freePort, healthCheck: { path: '/ready', intervalMs: 1000 }, log });
  const invoker = new LambdaInvoker({ launcher, apiRoot: API_ROOT, awsEnvironment, region: SANDBOX_REGION, log });
  const localAws = await startLocalAws({
    motoUrl: moto.url,
    port,
    patches: fidelityPatches({ taskSets: agent.taskSetRunner, compute: [agent.patch, invoker.patch] }),
    onCall: (call, reply, patches) =>
      log(`${reply.status} ${call.service} ${call.action}${patches.length ? ` [${patches.join(', ')}]` : ''}`),
  });
  writeDaemonState(stateDir, {
    pid: process.pid,
    endpoint: localAws.endpoint,
    motoUrl: moto.url,
    mode: launcher.mode,
    startedAt: new Date().toISOString(),
  });
  log(`local AWS at ${localAws.endpoint} (moto at ${moto.url}); tasks and functions run as ${launcher.mode}es`);

  const stop = () => {
    agent.shutdown();
    invoker.shutdown();
    moto.process.kill('SIGTERM');
    void localAws.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  moto.process.once('exit', (code) => {
    log(`moto's server exited (${code}); the local AWS stops with it`);
    stop();
  });
}

main().catch((err: Error) => {
  console.error(`sandbox: ${err.message}`);
  process.exit(1);
});
