/*
 * The sandbox's long-lived side, started detached by `pnpm sandbox up`: moto's server, the fidelity
 * layer in front of it, the ECS agent, Lambda's invoker and the load balancers' data plane. It
 * writes where it listens to the state file and runs until SIGTERM, when it stops everything it
 * started.
 *
 *   node --import tsx src/daemon.ts <state dir> <podman | process>
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@switchyard/api/local-table';
import { EcsAgent } from './compute/ecs-agent';
import { elbTargetRegistration } from './compute/target-registration';
import { describeHealthCheck } from './compute/target-health';
import { LambdaInvoker } from './compute/lambda-invoke';
import { findRegistry, registriesConf, startRegistry } from './compute/oci-registry';
import { podmanLauncher, processLauncher, type TaskLauncher } from './compute/task-launcher';
import { DataPlane } from './data-plane/data-plane';
import { readRuleDelay } from './data-plane/rule-delay';
import { startLocalAws } from './local-aws/fidelity-layer';
import { findMoto, startMoto } from './local-aws/moto-server';
import { fidelityPatches } from './local-aws/patches';
import { ecrRegistryImages } from './local-aws/patches/ecr-registry-images';
import { API_ROOT, ECR_HOST, localAwsEnvironment, SANDBOX_LABEL, SANDBOX_REGION, writeDaemonState } from './sandbox-state';

async function main(): Promise<void> {
  const [stateDir, mode] = process.argv.slice(2);
  if (!stateDir || (mode !== 'podman' && mode !== 'process')) throw new Error('usage: daemon.ts <state dir> <podman | process>');
  const logFile = join(stateDir, 'local-aws.log');
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);

  const motoCommand = findMoto();
  if (!motoCommand) throw new Error('moto is not installed');
  const moto = await startMoto(motoCommand, await freePort(), log);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const awsEnvironment = localAwsEnvironment(endpoint);
  let launcher: TaskLauncher = processLauncher(API_ROOT);
  let registry: Awaited<ReturnType<typeof startRegistry>> | undefined;
  if (mode === 'podman') {
    const program = findRegistry();
    if (!program) throw new Error('the distribution registry (docker-registry) is not installed');
    registry = await startRegistry(program, join(stateDir, 'registry'), await freePort(), log);
    // Pulls of the ECR repositories' host name go to the loopback registry.
    const conf = join(stateDir, 'registries.conf');
    writeFileSync(conf, registriesConf(ECR_HOST, registry.address));
    launcher = podmanLauncher({ ...process.env, CONTAINERS_REGISTRIES_CONF: conf }, `${SANDBOX_LABEL}=${stateDir}`);
  }
  const targets = elbTargetRegistration(endpoint);
  const agent = new EcsAgent({
    launcher,
    awsEnvironment,
    freePort,
    targets,
    targetGroupHealthCheck: (arn) => describeHealthCheck(moto.url, arn),
    log,
  });
  const invoker = new LambdaInvoker({ launcher, awsEnvironment, region: SANDBOX_REGION, log });
  const dataPlane = new DataPlane({
    stateDir,
    controlPlaneUrl: moto.url,
    endpoint,
    freePort,
    ruleDelay: () => readRuleDelay(stateDir),
    log,
  });
  const localAws = await startLocalAws({
    motoUrl: moto.url,
    port,
    patches: [
      ...fidelityPatches({ taskSets: agent.taskSetRunner, compute: [agent.patch, invoker.patch] }),
      ...(registry ? [ecrRegistryImages(registry.address)] : []),
      dataPlane.patch,
    ],
    onCall: (call, reply, patches) =>
      log(`${reply.status} ${call.service} ${call.action}${patches.length ? ` [${patches.join(', ')}]` : ''}`),
  });
  writeDaemonState(stateDir, {
    pid: process.pid,
    endpoint: localAws.endpoint,
    motoUrl: moto.url,
    mode: launcher.mode,
    startedAt: new Date().toISOString(),
    ...(registry ? { registry: registry.address } : {}),
  });
  log(
    `local AWS at ${localAws.endpoint} (moto at ${moto.url}); ` +
      (registry ? `images in the registry at ${registry.address}, run under podman` : 'tasks and functions run as processes'),
  );

  const stop = () => {
    agent.shutdown();
    invoker.shutdown();
    targets.close();
    moto.process.kill('SIGTERM');
    registry?.process.kill('SIGTERM');
    void Promise.all([dataPlane.shutdown(), localAws.close()]).then(() => process.exit(0));
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
