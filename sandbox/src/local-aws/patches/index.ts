import type { FidelityPatch } from '../fidelity-layer';
import { autoscalingTags } from './autoscaling-tags';
import { cloudWatchPercentiles, cloudWatchStartTime } from './cloudwatch-metric-data';
import { requestCompression } from './request-compression';
import { ecsServiceNetwork } from './ecs-service-network';
import { ec2RuleDescriptions } from './ec2-rule-descriptions';
import { ecsServiceSettings } from './ecs-service-settings';
import { ecsTaskSets, type TaskSetRunner } from './ecs-task-sets';
import { lambdaLoggingConfig } from './lambda-logging-config';

/** What the patches need from the sandbox's data plane. */
export interface PatchDependencies {
  readonly taskSets: TaskSetRunner;
  /** Patches that run code: Invoke and RunTask. */
  readonly compute: readonly FidelityPatch[];
}

/** Every patch of the fidelity layer, in the order they see a call. */
export function fidelityPatches(deps: PatchDependencies): FidelityPatch[] {
  return [
    // First: every other patch reads the body as sent.
    requestCompression(),
    ecsServiceNetwork,
    ecsServiceSettings(),
    autoscalingTags(),
    ecsTaskSets(deps.taskSets),
    lambdaLoggingConfig(),
    ec2RuleDescriptions(),
    // The start time first: percentiles are counted over the periods it rounds.
    cloudWatchStartTime(),
    cloudWatchPercentiles(),
    ...deps.compute,
  ];
}
