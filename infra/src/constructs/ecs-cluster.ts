import { EcsCluster as AwsEcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { Construct } from 'constructs';

export interface EcsClusterProps {
  readonly name: string;
}

/** The cluster Fargate tasks run in, with Container Insights metrics. */
export class EcsCluster extends Construct {
  readonly arn: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: EcsClusterProps) {
    super(scope, id);
    const cluster = new AwsEcsCluster(this, 'cluster', {
      name: props.name,
      setting: [{ name: 'containerInsights', value: 'enabled' }],
    });
    this.arn = cluster.arn;
    this.name = cluster.name;
  }
}
