import { ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { JobsConfig } from './jobs-config';
import type { JobRecord } from './job-record';
import { executeJob } from './runner';
import type { JobStore } from './store';

/** The event a function sends itself to run a job: not an HTTP event, so the handler tells them apart. */
export interface JobInvocation {
  switchyardJob: { id: string };
}

export function isJobInvocation(event: unknown): event is JobInvocation {
  const job = (event as Partial<JobInvocation> | null)?.switchyardJob;
  return typeof job === 'object' && job !== null && typeof job.id === 'string';
}

type Log = {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
};

export interface JobLauncher {
  /** Starts the job where its record says; a start that fails marks the job failed with the reason. */
  launch(record: JobRecord): Promise<void>;
  /** Interrupts the jobs running in this process, and waits until each has recorded why it stopped. */
  stop(): Promise<void>;
  /** Lets the jobs running in this process finish for up to `waitMs`, then stops the rest. */
  drain(waitMs?: number): Promise<void>;
}

export function createJobLauncher(config: JobsConfig, store: JobStore, log: Log): JobLauncher {
  const inProcess = new Set<Promise<unknown>>();
  const stopping = new AbortController();
  let lambda: LambdaClient | undefined;
  let ecs: ECSClient | undefined;

  const failStart = async (record: JobRecord, code: string, message: string) => {
    log.error({ jobId: record.id, code }, message);
    await store.finish(record.id, { status: 'failed', error: { code, message } });
  };

  const launchers: Record<JobRecord['runsOn'], (record: JobRecord) => Promise<void>> = {
    async inline(record) {
      const running = executeJob(store, record.id, log, stopping.signal).catch((error: unknown) =>
        log.error({ jobId: record.id, err: error }, 'job run failed'),
      );
      inProcess.add(running);
      void running.finally(() => inProcess.delete(running));
    },
    // A Lambda sandbox may be frozen as soon as it answers, so a job never runs after the response:
    // the function invokes itself asynchronously, and that invocation runs the job to its end.
    async 'lambda-async'(record) {
      if (!config.functionName)
        return failStart(record, 'LAUNCH_FAILED', 'AWS_LAMBDA_FUNCTION_NAME is not set, so the function cannot invoke itself');
      lambda ??= new LambdaClient({});
      const payload: JobInvocation = { switchyardJob: { id: record.id } };
      try {
        const answer = await lambda.send(
          new InvokeCommand({ FunctionName: config.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }),
        );
        if (answer.StatusCode !== 202)
          await failStart(record, 'LAUNCH_FAILED', `Lambda answered the asynchronous invocation with ${answer.StatusCode}`);
      } catch (error) {
        await failStart(
          record,
          'LAUNCH_FAILED',
          `The function could not invoke itself: ${(error as Error).name}: ${(error as Error).message}`,
        );
      }
    },
    async 'fargate-task'(record) {
      const task = config.task;
      if (!task)
        return failStart(
          record,
          'LAUNCH_FAILED',
          'No job task is configured (JOB_CLUSTER, JOB_TASK_DEFINITION, JOB_SUBNETS, JOB_SECURITY_GROUPS)',
        );
      ecs ??= new ECSClient({});
      try {
        const answer = await ecs.send(
          new RunTaskCommand({
            cluster: task.cluster,
            taskDefinition: task.taskDefinition,
            launchType: 'FARGATE',
            count: 1,
            startedBy: `job-${record.id}`.slice(0, 36),
            networkConfiguration: {
              awsvpcConfiguration: {
                subnets: task.subnets,
                securityGroups: task.securityGroups,
                assignPublicIp: task.assignPublicIp ? 'ENABLED' : 'DISABLED',
              },
            },
            // The image's entrypoint is `node` (docker/Dockerfile), so the task runs `node dist/job.js <id>`.
            overrides: { containerOverrides: [{ name: task.containerName, command: ['dist/job.js', record.id] }] },
          }),
        );
        // RunTask answers 200 even when it placed nothing; the reasons are in `failures`.
        const failure = answer.failures?.[0];
        if (failure || !answer.tasks?.length)
          await failStart(
            record,
            'LAUNCH_FAILED',
            `RunTask started no task: ${failure?.reason ?? 'no reason given'}${failure?.detail ? ` (${failure.detail})` : ''}`,
          );
        else log.info({ jobId: record.id, taskArn: answer.tasks[0]!.taskArn }, 'job task started');
      } catch (error) {
        await failStart(record, 'LAUNCH_FAILED', `RunTask failed: ${(error as Error).name}: ${(error as Error).message}`);
      }
    },
  };

  return {
    launch: (record) => launchers[record.runsOn](record),
    async stop() {
      stopping.abort();
      await Promise.allSettled([...inProcess]);
    },
    async drain(waitMs = config.inlineMaxMs) {
      if (inProcess.size) {
        let timer: NodeJS.Timeout | undefined;
        const waited = new Promise((resolve) => (timer = setTimeout(resolve, waitMs)));
        await Promise.race([Promise.allSettled([...inProcess]), waited]);
        clearTimeout(timer);
      }
      await this.stop();
    },
  };
}
