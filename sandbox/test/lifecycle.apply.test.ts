import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { runTerraformAsync } from '@switchyard/infra/terraform-runner';
import { applySummary, Sandbox } from '../src/sandbox';
import { SANDBOX_CREDENTIALS, SANDBOX_LABEL } from '../src/sandbox-state';
import { servedBy } from './support/served-by';
import {
  clientsFor,
  describeAlarms,
  functionState,
  inventory,
  invokeAsAlb,
  ruleWeights,
  taskSets,
  type Clients,
} from './support/local-aws-probe';

/*
 * The lifecycle a user runs, for real, against the local AWS: deploy on Lambda, flip to Fargate, to
 * a 50/50 and a 90/10 split, back to Lambda, destroy. Both stacks at once, each in a sandbox of its
 * own. After every apply Terraform must plan no change, and the local AWS must hold what the README
 * says. Everything runs through the same commands a user types: cdktf deploy, pnpm flip, cdktf destroy.
 */

type Step = { name: string; lambdaWeight: number; applied: string; plan: string };

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    value = await read();
  }
  return value;
}

async function lifecycle(environment: string): Promise<void> {
  const started = Date.now();
  const prefix = `switchyard-${environment}`;
  const sandbox = new Sandbox({ dir: mkdtempSync(join(tmpdir(), `switchyard-sandbox-${environment}-`)), stdio: 'pipe' });
  const steps: Step[] = [];
  try {
    const bundles = process.env.SWITCHYARD_SANDBOX_BUNDLES === '1';
    // Rule changes reach the load balancer at once here, so what it serves after each flip is exact;
    // the flip drill (pnpm drill --only flip) measures them late.
    const { outputs, applied } = await sandbox.up(environment, { bundles, ruleDelay: { minSeconds: 0, maxSeconds: 0 } });
    const state = sandbox.running()!;
    expect(state.mode).toBe(bundles ? 'process' : 'podman');
    const aws: Clients = clientsFor(state.endpoint);
    const env = sandbox.environment(state);

    /** `terraform plan` against the local AWS, with the split the last apply set: it must change nothing. */
    const replan = async (lambdaWeight: number | undefined) => {
      const vars: Record<string, string> = lambdaWeight === undefined ? {} : { lambda_weight: String(lambdaWeight) };
      const plan = await runTerraformAsync(['plan', '-lock=false', '-detailed-exitcode'], {
        dir: sandbox.stackDir(environment),
        env: { ...process.env, ...env },
        vars,
        allowFailure: true,
      });
      const summary = /No changes\.|Plan: [^\n]*/.exec(plan.stdout)?.[0] ?? plan.stderr.trim();
      expect({ step: steps.length, summary, exit: plan.status }).toEqual({ step: steps.length, summary: 'No changes.', exit: 0 });
      return summary;
    };
    const expectServing = async (lambdaWeight: number) => {
      expect(await ruleWeights(aws, prefix)).toEqual({ lambda: lambdaWeight, fargate: 100 - lambdaWeight });
      const sets = await taskSets(aws, prefix);
      // Capacity exists exactly while Fargate takes a share, and it is healthy when it does.
      expect(sets.length).toBe(lambdaWeight < 100 ? 1 : 0);
      for (const set of sets)
        expect(set).toMatchObject({ stabilityStatus: 'STEADY_STATE', runningCount: set.computedDesiredCount, pendingCount: 0 });
      expect(await functionState(aws, prefix)).toBe('Active');
      // The stack's URL, through the sandbox's load balancer, is served by the computes the split names.
      const served = await poll(
        () => servedBy(String(outputs.service_url), 40),
        (by) => (lambdaWeight === 100 ? by.lambda === 40 : lambdaWeight === 0 ? by.fargate === 40 : by.lambda! > 0 && by.fargate! > 0),
        30_000,
      );
      if (lambdaWeight === 100) expect(served).toEqual({ lambda: 40 });
      else if (lambdaWeight === 0) expect(served).toEqual({ fargate: 40 });
      else expect(Object.keys(served).sort()).toEqual(['fargate', 'lambda']);
    };

    expect(outputs).toMatchObject({ active_compute: 'lambda', traffic_weights: { lambda: 100, fargate: 0 }, lambda_function_name: prefix });
    expect(String(outputs.service_url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    steps.push({ name: 'deploy (Lambda)', lambdaWeight: 100, applied, plan: await replan(undefined) });
    await expectServing(100);
    const status = await sandbox.status();
    expect(status).toContain(`local AWS (SWITCHYARD_AWS_ENDPOINT): ${state.endpoint}`);
    expect(status).toContain(`${prefix}: lambda (Lambda 100%, Fargate 0%)`);

    // The safety net's alarms are there as the outputs name them, each judging one metric math expression.
    const alarmNames = outputs.alarm_names as Record<'lambda' | 'fargate' | 'load_balancer', string[]>;
    const alarms = await describeAlarms(aws, Object.values(alarmNames).flat());
    expect(alarms.map((a) => a.AlarmName).sort()).toEqual(Object.values(alarmNames).flat().sort());
    for (const alarm of alarms) expect(alarm.Metrics?.filter((m) => m.ReturnData && m.Expression)).toHaveLength(1);
    expect(outputs).toMatchObject({ dashboard_name: prefix, alarm_topic_arn: '' });

    // The warm-up invoked the function's code through the local AWS before routing reached it.
    const shown = await sandbox.terraform(environment, ['show', '-json'], env);
    const resources = (
      JSON.parse(shown.stdout) as { values: { root_module: { resources: { type: string; values: { result?: string } }[] } } }
    ).values.root_module.resources;
    const warmUp = JSON.parse(resources.find((r) => r.type === 'aws_lambda_invocation')!.values.result!) as {
      statusCode: number;
      body: string;
    };
    expect({ statusCode: warmUp.statusCode, body: JSON.parse(warmUp.body) }).toEqual({ statusCode: 200, body: { status: 'ok' } });

    if (state.mode === 'podman') {
      // The deploy built docker/Dockerfile and pushed it where ECR's API sees it, as one image
      // manifest (Lambda refuses an index), and the warm-up ran that image in a container.
      const [repository, tag] = String(outputs.running_image_uri).split('/').pop()!.split(':');
      const described = await aws.ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
      expect(described.imageDetails?.[0]?.imageManifestMediaType).toBe('application/vnd.oci.image.manifest.v1+json');
      // moto alone knows nothing of the push (the patch ecr-registry-images reads the registry).
      const bareEcr = new ECRClient({
        endpoint: state.motoUrl,
        region: 'us-east-1',
        credentials: SANDBOX_CREDENTIALS,
      });
      await expect(
        bareEcr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] })),
      ).rejects.toMatchObject({
        name: 'ImageNotFoundException',
      });
      const containers = await sandbox.run(
        'podman',
        ['ps', '--format', '{{.Image}} {{.Names}}', '--filter', `label=${SANDBOX_LABEL}=${sandbox.dir}`],
        {},
        'pipe',
      );
      expect(containers.stdout).toMatch(new RegExp(`${repository}:${tag} switchyard-lambda-${prefix}-`));
    }

    // Jobs, as the ALB would bring them to the function: a short one runs as an asynchronous
    // invocation, a long one as a one-off task (RunTask of the job task definition, dist/job.js).
    const start = (body: object) =>
      invokeAsAlb(aws, prefix, {
        method: 'POST',
        path: '/jobs',
        headers: { host: 'sandbox', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const short = await start({ kind: 'work', input: { ms: 0 } });
    const long = await start({ kind: 'work', input: { ms: 1000 }, declaredMs: 60_000 });
    expect([short.statusCode, long.statusCode]).toEqual([202, 202]);
    expect([(short.body as { runsOn: string }).runsOn, (long.body as { runsOn: string }).runsOn]).toEqual(['lambda-async', 'fargate-task']);
    for (const job of [short, long]) {
      const location = job.headers.location![0]!;
      const finished = await poll(
        () => invokeAsAlb(aws, prefix, { method: 'GET', path: location, headers: { host: 'sandbox' } }),
        (answer) => !['queued', 'running'].includes((answer.body as { status: string }).status),
        120_000,
      );
      expect(finished.body).toMatchObject({ status: 'succeeded' });
    }

    for (const [target, lambdaWeight] of [
      ['fargate', 0],
      ['50', 50],
      ['90', 90],
      ['lambda', 100],
    ] as const) {
      // The applies and what they leave, with no traffic to judge: the safety net's own test is safety-net.apply.test.ts.
      const flip = await sandbox.run('pnpm', ['flip', environment, target, '--analysis', 'off'], env, 'pipe');
      expect({ target, status: flip.status, stderr: flip.status === 0 ? '' : flip.stderr.slice(-2000) }).toEqual({
        target,
        status: 0,
        stderr: '',
      });
      steps.push({
        name: `pnpm flip ${environment} ${target}`,
        lambdaWeight,
        applied: applySummary(flip.stdout),
        plan: await replan(lambdaWeight),
      });
      await expectServing(lambdaWeight);
    }

    // pnpm cost --from-stack prices the traffic the stack's metrics show: three hours of 3,600 requests.
    const cloudwatch = new CloudWatchClient({
      endpoint: state.endpoint,
      region: 'us-east-1',
      credentials: SANDBOX_CREDENTIALS,
    });
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    for (const hoursAgo of [1, 2, 3])
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/ApplicationELB',
          MetricData: [
            {
              MetricName: 'RequestCount',
              Dimensions: [{ Name: 'LoadBalancer', Value: String(outputs.load_balancer_arn_suffix) }],
              Timestamp: new Date(hour - hoursAgo * 3_600_000 + 60_000),
              Value: 3600,
              Unit: 'Count',
            },
          ],
        }),
      );
    const cost = await sandbox.run('pnpm', ['--silent', 'cost', environment, '--from-stack', '--days', '1'], env, 'pipe');
    expect({ status: cost.status, stderr: cost.stderr.slice(-1000) }).toMatchObject({ status: 0 });
    expect(cost.stdout).toContain(`${prefix}, last 1 days: 10,800 requests`);

    expect(await inventory(aws, prefix)).not.toEqual([]);
    if (environment === 'prod') {
      // prod's table and load balancer are protected: a plain destroy is refused, as on AWS.
      await expect(sandbox.destroy(environment)).rejects.toThrow(/DeletionProtectionEnabled|deletion protection/i);
      await sandbox.destroy(environment, { liftDeletionProtection: true });
    } else {
      await sandbox.destroy(environment);
    }
    expect(await inventory(aws, prefix)).toEqual([]);
  } catch (err) {
    // down removes the sandbox's folder, logs and all: what the local AWS and its load balancer
    // said goes with the failure.
    const log = join(sandbox.dir, 'local-aws.log');
    if (existsSync(log)) {
      const lines = readFileSync(log, 'utf8').split('\n');
      const balancer = lines.filter((line) => line.includes('[load balancer]')).slice(-40);
      console.log(`${prefix}: the load balancer said\n${balancer.join('\n')}\nthe end of local-aws.log\n${lines.slice(-40).join('\n')}`);
    }
    throw err;
  } finally {
    const daemon = sandbox.running();
    await sandbox.down();
    if (daemon) expect(sandbox.running()).toBeUndefined();
    console.log(
      [
        `${prefix}: the lifecycle in ${((Date.now() - started) / 1000).toFixed(0)} s`,
        ...steps.map((s) => `  ${s.name.padEnd(26)} ${s.applied.padEnd(60)} re-plan: ${s.plan}`),
      ].join('\n'),
    );
  }
}

test.concurrent.each(['dev', 'prod'])(
  '%s: deploy on Lambda, flip to Fargate, 50/50, 90/10 and back, destroy: every re-plan empty',
  lifecycle,
);
