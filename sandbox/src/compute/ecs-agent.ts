import { randomUUID } from 'node:crypto';
import { jsonBody, jsonReply, sameServiceCall, type AwsCall, type AwsReply } from '../local-aws/aws-call';
import type { FidelityPatch } from '../local-aws/fidelity-layer';
import type { TaskSetRunner } from '../local-aws/patches/ecs-task-sets';
import type { TargetRegistration } from './target-registration';
import type { RunningContainer, TaskLauncher } from './task-launcher';

/*
 * The sandbox's ECS agent: it runs the tasks of task sets and of RunTask with the image's command
 * and the task definition's environment, watches them, and reports them as ECS does.
 */

interface ContainerDefinition {
  name: string;
  image: string;
  entryPoint?: string[];
  command?: string[];
  user?: string;
  environment?: { name: string; value: string }[];
  portMappings?: { containerPort: number }[];
  stopTimeout?: number;
  linuxParameters?: { initProcessEnabled?: boolean };
  ulimits?: { name: string; softLimit: number; hardLimit: number }[];
}

/**
 * The container's nofile limit: its own ulimit, else Fargate's, which "overrides" the operating
 * system's: soft 1,024, hard 65,535. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
 */
/**
 * Fargate documents no process limit, but podman needs one given (its default needs CAP_SYS_RESOURCE),
 * and a container runtime without that capability refused tens of thousands here; the server runs a
 * few dozen threads.
 */
const TASK_PROCESSES = { soft: 4096, hard: 4096 };

function openFilesOf(container: ContainerDefinition): { soft: number; hard: number } {
  const own = container.ulimits?.find((u) => u.name === 'nofile');
  return own ? { soft: own.softLimit, hard: own.hardLimit } : { soft: 1024, hard: 65_535 };
}

interface TaskDefinition {
  taskDefinitionArn: string;
  containerDefinitions: ContainerDefinition[];
  cpu?: string;
  memory?: string;
}

export interface Task {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  group: string;
  startedBy?: string;
  lastStatus: 'PROVISIONING' | 'RUNNING' | 'STOPPED';
  desiredStatus: 'RUNNING' | 'STOPPED';
  launchType: 'FARGATE';
  cpu?: string;
  memory?: string;
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  containers: { name: string; lastStatus: string; exitCode?: number; image: string }[];
}

/** A task set's task, with what the load balancer side needs. */
export interface ServingTask {
  readonly task: Task;
  readonly container: RunningContainer;
  /** Where it listens on loopback (the container port, moved to a free host port). */
  readonly port: number;
  readonly stopTimeoutMs: number;
  /** The target group it is registered in, if its task set has one. */
  readonly targetGroupArn?: string;
  healthy: boolean;
}

/** A target group's health check: what ELB asks each target, how often, and how many answers decide. */
export interface HealthCheck {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  /** The status codes that count as healthy, e.g. "200" or "200-299". */
  matcher: string;
}

export interface EcsAgentOptions {
  readonly launcher: TaskLauncher;
  /** The endpoint every task's SDK calls (the local AWS), with fake credentials. */
  readonly awsEnvironment: Record<string, string>;
  /** A free loopback port for each serving task. */
  readonly freePort: () => Promise<number>;
  /** The health check of the target group a task set registers its tasks in, as ELB describes it. */
  readonly targetGroupHealthCheck: (targetGroupArn: string) => Promise<HealthCheck>;
  /**
   * Registers serving tasks in their target group and deregisters them before they stop, as ECS
   * does; without it, tasks are only health-checked. @default none
   */
  readonly targets?: TargetRegistration;
  /** Where a task's output goes. @default discarded */
  readonly log?: (line: string) => void;
}

/** Whether a status code is in a target group's matcher ("200", "200,202" or "200-299"). */
export function matches(matcher: string, status: number): boolean {
  return matcher.split(',').some((part) => {
    const [low, high = low] = part.trim().split('-').map(Number);
    return status >= low! && status <= high!;
  });
}

/** Where tasks listen: awsvpc gives each task its own address; on loopback each gets its own port. */
const LOOPBACK = '127.0.0.1';

export class EcsAgent {
  private readonly tasks = new Map<string, Task>();
  private readonly taskSets = new Map<string, { desiredCount: number; serving: ServingTask[] }>();
  private readonly containers = new Set<RunningContainer>();
  private readonly draining = new Set<NodeJS.Timeout>();

  constructor(private readonly options: EcsAgentOptions) {}

  /** The task sets' tasks: what a load balancer may send requests to. */
  servingTasks(taskSetArn: string): readonly ServingTask[] {
    return this.taskSets.get(taskSetArn)?.serving ?? [];
  }

  /** Runs task sets and answers RunTask and DescribeTasks. */
  readonly taskSetRunner: TaskSetRunner = {
    created: (set) => {
      const entry = { desiredCount: set.desiredCount, serving: [] as ServingTask[] };
      this.taskSets.set(set.taskSetArn, entry);
      const definition = set.taskDefinition as unknown as TaskDefinition;
      void (async () => {
        const targetGroup = set.targetGroupArn;
        const check = targetGroup ? await this.options.targetGroupHealthCheck(targetGroup) : undefined;
        for (let i = 0; i < set.desiredCount; i += 1)
          entry.serving.push(await this.startServingTask(set.taskSetArn, definition, targetGroup, check));
      })();
    },
    status: (arn) => {
      const set = this.taskSets.get(arn);
      const running = set?.serving.filter((t) => t.task.lastStatus === 'RUNNING').length ?? 0;
      const healthy = set?.serving.filter((t) => t.healthy).length ?? 0;
      const desired = set?.desiredCount ?? 0;
      return {
        computedDesiredCount: desired,
        runningCount: running,
        pendingCount: Math.max(0, desired - running),
        stabilityStatus: set && healthy === desired && running === desired ? 'STEADY_STATE' : 'STABILIZING',
      };
    },
    deleted: (arn) => {
      const set = this.taskSets.get(arn);
      this.taskSets.delete(arn);
      for (const serving of set?.serving ?? []) void this.drainAndStop(serving);
    },
  };

  /** RunTask and DescribeTasks. */
  readonly patch: FidelityPatch = {
    name: 'ecs-tasks',
    restores:
      "RunTask starts the task definition's containers, with the overrides, and DescribeTasks reports each task's lastStatus, " +
      "stopCode and containers' exitCode until it is STOPPED; a Fargate task definition sizes cpu and memory per task. " +
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html',
    applies: (call) => call.service === 'ecs' && (call.action === 'RunTask' || call.action === 'DescribeTasks'),
    handle: (call, moto) => (call.action === 'RunTask' ? this.runTask(call, moto) : this.describeTasks(call, moto)),
  };

  private async definition(call: AwsCall, moto: (call: AwsCall) => Promise<AwsReply>, arn: string): Promise<TaskDefinition | undefined> {
    const reply = await moto(sameServiceCall(call, 'DescribeTaskDefinition', { taskDefinition: arn }));
    return reply.status < 300 ? jsonBody<{ taskDefinition: TaskDefinition }>(reply).taskDefinition : undefined;
  }

  private newTask(definition: TaskDefinition, group: string, clusterArn: string, startedBy?: string): Task {
    const [, region = 'us-east-1', account = '123456789012'] = /^arn:aws:ecs:([^:]+):(\d+):/.exec(definition.taskDefinitionArn) ?? [];
    const cluster = clusterArn.split('/').pop() ?? 'default';
    const task: Task = {
      taskArn: `arn:aws:ecs:${region}:${account}:task/${cluster}/${randomUUID().replace(/-/g, '')}`,
      clusterArn: clusterArn.startsWith('arn:') ? clusterArn : `arn:aws:ecs:${region}:${account}:cluster/${cluster}`,
      taskDefinitionArn: definition.taskDefinitionArn,
      group,
      ...(startedBy ? { startedBy } : {}),
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      launchType: 'FARGATE',
      ...(definition.cpu ? { cpu: definition.cpu } : {}),
      ...(definition.memory ? { memory: definition.memory } : {}),
      createdAt: Date.now() / 1000,
      containers: definition.containerDefinitions.map((c) => ({ name: c.name, lastStatus: 'PENDING', image: c.image })),
    };
    this.tasks.set(task.taskArn, task);
    return task;
  }

  private launch(task: Task, container: ContainerDefinition, command: string[], environment: Record<string, string>): RunningContainer {
    const running = this.options.launcher.start({
      name: `switchyard-task-${task.taskArn.split('/').pop()!.slice(0, 12)}`,
      image: container.image,
      command,
      environment: { ...environment, ...this.options.awsEnvironment },
      user: container.user ?? '1000:1000',
      init: container.linuxParameters?.initProcessEnabled ?? false,
      limits: { nofile: openFilesOf(container), nproc: TASK_PROCESSES },
    });
    this.containers.add(running);
    const tag = `[task ${task.taskArn.split('/').pop()!.slice(0, 8)}] `;
    for (const stream of [running.child.stdout, running.child.stderr])
      stream?.on('data', (chunk: Buffer) => this.options.log?.(`${tag}${chunk.toString().trimEnd()}`));
    task.lastStatus = 'RUNNING';
    task.startedAt = Date.now() / 1000;
    task.containers.forEach((c) => (c.lastStatus = 'RUNNING'));
    void running.exited.then((code) => {
      this.containers.delete(running);
      task.lastStatus = 'STOPPED';
      task.desiredStatus = 'STOPPED';
      task.stoppedAt = Date.now() / 1000;
      task.stopCode ??= 'EssentialContainerExited';
      task.stoppedReason ??= 'Essential container in task exited';
      task.containers.forEach((c) => ((c.lastStatus = 'STOPPED'), (c.exitCode = code)));
    });
    return running;
  }

  private async startServingTask(
    taskSetArn: string,
    definition: TaskDefinition,
    targetGroupArn: string | undefined,
    check: HealthCheck | undefined,
  ): Promise<ServingTask> {
    const container = definition.containerDefinitions[0]!;
    const task = this.newTask(
      definition,
      `task-set:${taskSetArn.split('/').pop()}`,
      taskSetArn.replace(/:task-set\/([^/]+)\/.*$/, ':cluster/$1'),
    );
    const port = await this.options.freePort();
    const environment = Object.fromEntries((container.environment ?? []).map((e) => [e.name, e.value]));
    const serving: ServingTask = {
      task,
      port,
      healthy: false,
      stopTimeoutMs: (container.stopTimeout ?? 30) * 1000,
      ...(targetGroupArn ? { targetGroupArn } : {}),
      container: this.launch(task, container, [...(container.entryPoint ?? []), ...(container.command ?? [])], {
        ...environment,
        PORT: String(port),
        HOST: LOOPBACK,
      }),
    };
    // Without a target group, ECS counts a running task as healthy.
    if (check) void this.watchHealth(serving, check);
    else serving.healthy = true;
    if (targetGroupArn && this.options.targets)
      await this.options.targets
        .register(targetGroupArn, LOOPBACK, port)
        .catch((err: Error) => this.options.log?.(`registering a task in ${targetGroupArn}: ${err.message}`));
    return serving;
  }

  /**
   * A task set's task leaves as ECS lets it: deregistered from its target group, then, after the
   * group's deregistration delay, stopped with SIGTERM and the stop timeout.
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html
   */
  private async drainAndStop(serving: ServingTask): Promise<void> {
    serving.task.desiredStatus = 'STOPPED';
    const { targets, log } = this.options;
    if (serving.targetGroupArn && targets) {
      try {
        await targets.deregister(serving.targetGroupArn, LOOPBACK, serving.port);
        const delay = await targets.deregistrationDelayMs(serving.targetGroupArn);
        log?.(`task on port ${serving.port} deregistered; it stops in ${delay / 1000} s`);
        await new Promise((resolve) => this.draining.add(setTimeout(resolve, delay)));
      } catch (err) {
        log?.(`deregistering the task on port ${serving.port}: ${(err as Error).message}`);
      }
    }
    await this.stopTask(serving, 'ServiceSchedulerInitiated', 'Task set deleted');
  }

  /**
   * ELB's health check of one target: every interval, the path; healthy after `healthyThreshold`
   * answers in the matcher in a row, unhealthy after `unhealthyThreshold` failures in a row.
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
   */
  private async watchHealth(serving: ServingTask, check: HealthCheck): Promise<void> {
    let successes = 0;
    let failures = 0;
    while (serving.task.lastStatus === 'RUNNING' && serving.task.desiredStatus === 'RUNNING') {
      const passed = await fetch(`http://127.0.0.1:${serving.port}${check.path}`, { signal: AbortSignal.timeout(check.timeoutMs) }).then(
        (response) => matches(check.matcher, response.status),
        () => false,
      );
      successes = passed ? successes + 1 : 0;
      failures = passed ? 0 : failures + 1;
      if (successes >= check.healthyThreshold) serving.healthy = true;
      if (failures >= check.unhealthyThreshold) serving.healthy = false;
      await new Promise((resolve) => setTimeout(resolve, check.intervalMs));
    }
    serving.healthy = false;
  }

  private async stopTask(serving: ServingTask, stopCode: string, reason: string): Promise<void> {
    serving.task.desiredStatus = 'STOPPED';
    serving.task.stopCode = stopCode;
    serving.task.stoppedReason = reason;
    await serving.container.stop(serving.stopTimeoutMs);
  }

  private async runTask(call: AwsCall, moto: (call: AwsCall) => Promise<AwsReply>): Promise<AwsReply> {
    const request = jsonBody<{
      cluster?: string;
      taskDefinition: string;
      count?: number;
      startedBy?: string;
      group?: string;
      overrides?: { containerOverrides?: { name: string; command?: string[]; environment?: { name: string; value: string }[] }[] };
    }>(call);
    const definition = await this.definition(call, moto, request.taskDefinition);
    if (!definition)
      return jsonReply(400, { __type: 'ClientException', message: `Unable to describe task definition ${request.taskDefinition}` });
    const started: Task[] = [];
    for (let i = 0; i < (request.count ?? 1); i += 1) {
      const task = this.newTask(
        definition,
        request.group ?? `family:${definition.taskDefinitionArn.split('/').pop()!.split(':')[0]}`,
        request.cluster ?? 'default',
        request.startedBy,
      );
      for (const container of definition.containerDefinitions) {
        const override = request.overrides?.containerOverrides?.find((o) => o.name === container.name);
        const environment = Object.fromEntries(
          [...(container.environment ?? []), ...(override?.environment ?? [])].map((e) => [e.name, e.value]),
        );
        const command = [...(container.entryPoint ?? []), ...(override?.command ?? container.command ?? [])];
        this.launch(task, container, command, environment);
      }
      started.push(task);
    }
    return jsonReply(200, { tasks: started, failures: [] });
  }

  private async describeTasks(call: AwsCall, moto: (call: AwsCall) => Promise<AwsReply>): Promise<AwsReply> {
    const request = jsonBody<{ tasks: string[] }>(call);
    const known = request.tasks.map((arn) => [...this.tasks.values()].find((t) => t.taskArn === arn || t.taskArn.endsWith(`/${arn}`)));
    if (known.every((t) => t === undefined)) return moto(call);
    return jsonReply(200, {
      tasks: known.filter((t): t is Task => t !== undefined),
      failures: request.tasks.filter((_, i) => !known[i]).map((arn) => ({ arn, reason: 'MISSING' })),
    });
  }

  /** Stops every task at once: the sandbox is going away. */
  shutdown(): void {
    for (const timer of this.draining) clearTimeout(timer);
    for (const container of this.containers) container.kill();
  }
}
