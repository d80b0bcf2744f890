import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from '../sandbox-state';

/*
 * A fault to rehearse with: the tasks serving some ports stop as a hung process does. The
 * kernel still accepts their connections, so the load balancer sends requests that never get an
 * answer: it answers 504 when its idle timeout passes, and their health checks time out. Thawed,
 * they carry on where they were. The tasks are found by the port the ECS agent gave
 * them (their PORT), as processes of this user or as the sandbox's podman containers.
 */

export interface FrozenTasks {
  /** What was frozen: container names or process ids. */
  readonly frozen: readonly string[];
  thaw(): void;
}

/** Processes of this user whose environment has PORT set to one of `ports`. */
function processesServing(ports: ReadonlySet<number>): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue; // another user's, or gone
    }
    const port = /(?:^|\0)PORT=(\d+)\0/.exec(environ)?.[1];
    if (port && ports.has(Number(port))) pids.push(Number(entry));
  }
  return pids;
}

function podman(args: string[]): string {
  const result = spawnSync('podman', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`podman ${args.join(' ')}: ${result.stderr.trim() || `exit ${result.status}`}`);
  return result.stdout;
}

/** The sandbox's task containers (labelled `label`) whose PORT is one of `ports`. */
function containersServing(ports: ReadonlySet<number>, label: string): string[] {
  const names = podman(['ps', '--filter', `label=${label}`, '--filter', 'name=^switchyard-task-', '--format', '{{.Names}}'])
    .split('\n')
    .filter(Boolean);
  return names.filter((name) => {
    const env = podman(['inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', name]);
    const port = /^PORT=(\d+)$/m.exec(env)?.[1];
    return port !== undefined && ports.has(Number(port));
  });
}

/**
 * Freezes the tasks serving `ports`: under podman, the containers with the sandbox's `label`; else
 * this user's processes. Throws when it finds none, so a rehearsal never runs without its fault.
 */
export function freezeTasks(ports: readonly number[], podmanLabel?: string): FrozenTasks {
  const wanted = new Set(ports);
  if (podmanLabel) {
    const names = containersServing(wanted, podmanLabel);
    if (!names.length) throw new Error(`no task container serves port ${ports.join(', ')}`);
    // pause freezes every process of the container (its cgroup); a SIGSTOP would reach only its init.
    for (const name of names) podman(['pause', name]);
    return { frozen: names, thaw: () => names.forEach((name) => podman(['unpause', name])) };
  }
  const pids = processesServing(wanted);
  if (!pids.length) throw new Error(`no task process serves port ${ports.join(', ')}`);
  for (const pid of pids) process.kill(pid, 'SIGSTOP');
  return {
    frozen: pids.map(String),
    thaw: () =>
      pids.forEach((pid) => {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone meanwhile: nothing to thaw
        }
      }),
  };
}

/** Freezes the tasks registered in a target group (by name) of the local AWS at `endpoint`. */
export async function freezeTargetGroup(endpoint: string, targetGroupName: string, podmanLabel?: string): Promise<FrozenTasks> {
  const elb = new ElasticLoadBalancingV2Client({ endpoint, region: SANDBOX_REGION, credentials: SANDBOX_CREDENTIALS });
  try {
    const { TargetGroups } = await elb.send(new DescribeTargetGroupsCommand({ Names: [targetGroupName] }));
    const { TargetHealthDescriptions } = await elb.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: TargetGroups![0]!.TargetGroupArn }),
    );
    return freezeTasks(
      (TargetHealthDescriptions ?? []).map((t) => t.Target!.Port!),
      podmanLabel,
    );
  } finally {
    elb.destroy();
  }
}
