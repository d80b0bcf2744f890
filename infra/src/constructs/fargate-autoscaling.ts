import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { Construct } from 'constructs';

export interface FargateAutoscalingProps {
  readonly clusterName: string;
  readonly serviceName: string;
  /**
   * Constant: registering a scalable target moves the desired count into [min, max] at once, so
   * bounds that followed the switch would reset capacity. While Fargate is idle the service has no
   * task set and runs nothing, whatever its desired count.
   */
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly targetCpuPercent: number;
  readonly targetRequestsPerTask: number;
  /** "app/<alb>/<id>/targetgroup/<tg>/<id>", as the ALBRequestCountPerTarget metric names it. */
  readonly requestCountResourceLabel: string;
}

/** Target tracking on CPU and on ALB requests per task, whichever asks for more tasks. */
export class FargateAutoscaling extends Construct {
  constructor(scope: Construct, id: string, props: FargateAutoscalingProps) {
    super(scope, id);

    const target = new AppautoscalingTarget(this, 'target', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
    });

    const track = (
      name: string,
      targetValue: number,
      predefinedMetricSpecification: { predefinedMetricType: string; resourceLabel?: string },
    ) =>
      new AppautoscalingPolicy(this, name, {
        name: `${props.serviceName}-${name}`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue,
          predefinedMetricSpecification,
          scaleInCooldown: 120,
          scaleOutCooldown: 30,
        },
      });

    track('cpu', props.targetCpuPercent, { predefinedMetricType: 'ECSServiceAverageCPUUtilization' });
    track('requests', props.targetRequestsPerTask, {
      predefinedMetricType: 'ALBRequestCountPerTarget',
      resourceLabel: props.requestCountResourceLabel,
    });
  }
}
