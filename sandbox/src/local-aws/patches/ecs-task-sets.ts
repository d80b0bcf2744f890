import { jsonBody, sameServiceCall, withJson, withRequestJson, type AwsCall } from '../aws-call';
import type { FidelityPatch } from '../fidelity-layer';

export interface Scale {
  unit: 'PERCENT';
  value: number;
}

interface TaskSet {
  taskSetArn?: string;
  scale?: Scale;
  stabilityStatus?: string;
  stabilityStatusAt?: number;
  computedDesiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
}

/** What runs a task set's tasks: how far they are, and their fate when the set goes. */
export interface TaskSetRunner {
  /** A task set was created with this many tasks (the service's desired count at its scale). */
  created(taskSet: { taskSetArn: string; taskDefinition: Record<string, unknown>; desiredCount: number; targetGroupArn?: string }): void;
  /** The set's counts and stability as ECS reports them. */
  status(taskSetArn: string): {
    computedDesiredCount: number;
    runningCount: number;
    pendingCount: number;
    stabilityStatus: 'STEADY_STATE' | 'STABILIZING';
  };
  deleted(taskSetArn: string): void;
}

// UpdateTaskSet is not among them: the stack keeps a task set at 100% of its service for its whole
// life (a new image is a new task set), so it never changes a task set's scale.
const ACTIONS = new Set(['CreateTaskSet', 'DescribeTaskSets', 'DeleteTaskSet', 'DescribeServices']);

/**
 * Task sets as ECS reports them. moto 5.2.1 reports every task set STEADY_STATE from the moment it is
 * created, with no running or pending count, so a wait for STEADY_STATE ends before any task runs; and
 * it starts a task set's tasks through its RunTask, which fails on a Fargate task definition sized per
 * task (it adds up the containers' memory). Here the set is created without its scale, so moto starts
 * nothing, and `runner` runs its tasks and reports them.
 */
export function ecsTaskSets(runner: TaskSetRunner): FidelityPatch {
  const scales = new Map<string, Scale>();
  const report = (set: TaskSet) => {
    if (!set.taskSetArn) return;
    const status = runner.status(set.taskSetArn);
    set.scale = scales.get(set.taskSetArn) ?? set.scale;
    set.computedDesiredCount = status.computedDesiredCount;
    set.runningCount = status.runningCount;
    set.pendingCount = status.pendingCount;
    set.stabilityStatus = status.stabilityStatus;
  };
  return {
    name: 'ecs-task-sets',
    restores:
      'A task set reports its stabilityStatus, which is STEADY_STATE only when "all tasks are running ... and reporting a healthy ' +
      'status from the load balancers", with its running and pending counts; and its tasks run from a Fargate task definition ' +
      'that sizes CPU and memory per task. https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskSet.html',
    applies: (call: AwsCall) => call.service === 'ecs' && ACTIONS.has(call.action),
    async handle(call, moto) {
      const request = jsonBody(call);
      switch (call.action) {
        case 'CreateTaskSet': {
          const { scale, ...rest } = request as { scale?: Scale };
          const reply = await moto(withRequestJson(call, rest));
          if (reply.status >= 300) return reply;
          const created = jsonBody<{ taskSet: TaskSet & { taskDefinition: string; serviceArn: string; clusterArn: string } }>(
            reply,
          ).taskSet;
          const wanted = scale ?? { unit: 'PERCENT', value: 100 };
          scales.set(created.taskSetArn!, wanted);
          const services = await moto(
            sameServiceCall(call, 'DescribeServices', { cluster: created.clusterArn, services: [created.serviceArn] }),
          );
          const desired = jsonBody<{ services?: { desiredCount?: number }[] }>(services).services?.[0]?.desiredCount ?? 0;
          const definition = await moto(sameServiceCall(call, 'DescribeTaskDefinition', { taskDefinition: created.taskDefinition }));
          // ECS rounds a task set's share of the service up: "computedDesiredCount".
          const desiredCount = Math.ceil((desired * wanted.value) / 100);
          const taskDefinition = jsonBody<{ taskDefinition: Record<string, unknown> }>(definition).taskDefinition;
          const targetGroupArn = (rest as { loadBalancers?: { targetGroupArn?: string }[] }).loadBalancers?.[0]?.targetGroupArn;
          runner.created({ taskSetArn: created.taskSetArn!, taskDefinition, desiredCount, ...(targetGroupArn ? { targetGroupArn } : {}) });
          return withJson<{ taskSet: TaskSet }>(reply, (body) => {
            body.taskSet.computedDesiredCount = desiredCount;
            report(body.taskSet);
          });
        }
        case 'DeleteTaskSet': {
          const reply = await moto(call);
          const deleted = jsonBody<{ taskSet?: TaskSet }>(reply).taskSet;
          if (reply.status < 300 && deleted?.taskSetArn) {
            runner.deleted(deleted.taskSetArn);
            scales.delete(deleted.taskSetArn);
          }
          return reply;
        }
        case 'DescribeServices':
          return withJson<{ services?: { taskSets?: TaskSet[] }[] }>(await moto(call), (body) => {
            body.services?.forEach((service) => service.taskSets?.forEach(report));
          });
        default:
          return withJson<{ taskSets?: TaskSet[]; taskSet?: TaskSet }>(await moto(call), (body) => {
            body.taskSets?.forEach(report);
            if (body.taskSet) report(body.taskSet);
          });
      }
    },
  };
}
