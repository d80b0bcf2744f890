import { describeTraffic } from './traffic';

export interface FlipPhase {
  readonly name: 'capacity' | 'traffic' | 'release';
  readonly summary: string;
  /** Terraform variables for this apply (as TF_VAR_<name>). */
  readonly vars: { readonly lambda_weight: string; readonly fargate_standby: 'true' | 'false' };
}

/**
 * The applies that move traffic with no downtime, each changing one thing. Terraform cannot order a
 * single apply both ways: ECS needs the listener before it will create the service, so the listener
 * always updates first; yet traffic may only move to Fargate after its tasks are healthy, and may
 * only leave it before they stop. So:
 *   1. capacity: hold Fargate on standby with traffic unchanged; the apply waits for steady state.
 *   2. traffic:  change the listener weights only.
 *   3. release:  drop the standby; if Fargate now gets nothing, ECS drains and stops its tasks.
 * Phases that would change nothing are left out.
 */
export function planFlip(currentLambdaWeight: number, targetLambdaWeight: number): FlipPhase[] {
  const fargateRunsNow = currentLambdaWeight < 100;
  const fargateRunsAfter = targetLambdaWeight < 100;
  const phases: FlipPhase[] = [];
  const vars = (lambdaWeight: number, standby: boolean) => ({
    lambda_weight: String(lambdaWeight),
    fargate_standby: standby ? ('true' as const) : ('false' as const),
  });

  if (!fargateRunsNow && fargateRunsAfter) {
    phases.push({
      name: 'capacity',
      summary: 'start Fargate tasks and wait until they are healthy; traffic unchanged',
      vars: vars(currentLambdaWeight, true),
    });
  }
  if (currentLambdaWeight !== targetLambdaWeight) {
    phases.push({
      name: 'traffic',
      summary: `move traffic from ${describeTraffic(currentLambdaWeight)} to ${describeTraffic(targetLambdaWeight)}; only the listener changes`,
      vars: vars(targetLambdaWeight, fargateRunsNow || fargateRunsAfter),
    });
  }
  if (fargateRunsNow && !fargateRunsAfter) {
    phases.push({
      name: 'release',
      summary: 'stop the Fargate tasks, which no longer get traffic (ECS drains them first)',
      vars: vars(targetLambdaWeight, false),
    });
  }
  return phases;
}
