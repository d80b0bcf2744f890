import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environments';
import { ComputeSwitch } from '../constructs/compute-switch';
import { ContainerRegistry } from '../constructs/container-registry';
import { EcsCluster } from '../constructs/ecs-cluster';
import { FargateAutoscaling } from '../constructs/fargate-autoscaling';
import { FargateService } from '../constructs/fargate-service';
import { ImageBuild, imageTag } from '../constructs/image-build';
import { LambdaTarget } from '../constructs/lambda-target';
import { LoadBalancer } from '../constructs/load-balancer';
import { Network } from '../constructs/network';
import { TrafficListeners } from '../constructs/traffic-listeners';
import { WeightedRouting } from '../constructs/weighted-routing';
import { ComputeDashboard } from '../constructs/compute-dashboard';
import { SafetyNetAlarms } from '../constructs/safety-net';
import { CONTAINER_PORT } from '../image-contract';
import { LAMBDA_TIMEOUT_SECONDS } from '@switchyard/domain/timing-budget';
import { declareStackInputs } from './stack-inputs';
import { declareStackOutputs } from './stack-outputs';
import { localAwsProvider } from './local-aws';
import { Jobs } from '../constructs/jobs';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';

export interface RemoteState {
  readonly bucket: string;
  readonly region: string;
  /** DynamoDB lock table; without one, S3's own lock file is used (Terraform >= 1.10). */
  readonly lockTable?: string;
}

export interface ServiceStackProps {
  readonly environment: EnvironmentConfig;
  /** Hash of the image's inputs; tags the image built during apply. */
  readonly sourceHash: string;
  readonly repositoryRoot: string;
  /** @default local state beside the synthesized stack */
  readonly remoteState?: RemoteState;
  /**
   * Plan without AWS: fake credentials and no calls to AWS at plan time, so `cdktf diff` shows what
   * would change. Applying with it fails (AWS rejects the credentials). @default false
   */
  readonly offlinePlan?: boolean;
  /**
   * A local AWS (`pnpm sandbox`) at this loopback URL: every service's endpoint, fake credentials,
   * and local state under its own name, even when `remoteState` is given. @default real AWS
   */
  readonly localAwsEndpoint?: string;
}

// Provider settings that let `terraform plan` run with no AWS account (skip_metadata_api_check is a string in 5.x).
const OFFLINE_PROVIDER = {
  accessKey: 'offline-plan',
  secretKey: 'offline-plan',
  skipCredentialsValidation: true,
  skipRequestingAccountId: true,
  skipMetadataApiCheck: 'true',
  skipRegionValidation: true,
};

/** One environment of switchyard: everything behind one ALB URL, with the compute switch. */
export class ServiceStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id);
    const env = props.environment;
    const prefix = `switchyard-${env.name}`;

    new AwsProvider(this, 'aws', {
      region: env.region,
      defaultTags: [{ tags: { Project: 'switchyard', Environment: env.name, ManagedBy: 'cdktf' } }],
      ...(props.offlinePlan ? OFFLINE_PROVIDER : {}),
      ...(props.localAwsEndpoint ? localAwsProvider(props.localAwsEndpoint) : {}),
    });
    if (props.localAwsEndpoint) {
      // A sandbox's state never goes to a real bucket, nor over a real deployment's local state.
      new LocalBackend(this, { path: `sandbox.${id}.tfstate` });
    } else if (props.remoteState) {
      const backend = new S3Backend(this, {
        bucket: props.remoteState.bucket,
        key: `switchyard/${id}.tfstate`,
        region: props.remoteState.region,
        encrypt: true,
        ...(props.remoteState.lockTable ? { dynamodbTable: props.remoteState.lockTable } : {}),
      });
      if (!props.remoteState.lockTable) backend.addOverride('use_lockfile', true);
    } else {
      new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    }

    const inputs = declareStackInputs(this, env.defaultCompute);
    const traffic = new ComputeSwitch(this, 'compute-switch', {
      defaultCompute: env.defaultCompute,
      compute: inputs.compute,
      lambdaWeight: inputs.lambdaWeight,
      fargateStandby: inputs.fargateStandby,
    });
    const registry = new ContainerRegistry(this, 'registry', {
      name: prefix,
      keepImages: env.keepImages,
      forceDelete: !env.deletionProtection,
      runningTag: imageTag(props.sourceHash, env.architecture),
      lambdaFunctionName: prefix,
      region: env.region,
    });
    const image = new ImageBuild(this, 'image', {
      repositoryUrl: registry.repositoryUrl,
      region: env.region,
      architecture: env.architecture,
      sourceHash: props.sourceHash,
      repositoryRoot: props.repositoryRoot,
      prebuiltImageUri: inputs.imageUri,
    });

    const network = new Network(this, 'network', {
      namePrefix: prefix,
      network: env.network,
      availabilityZones: [`${env.region}${env.availabilityZoneSuffixes[0]}`, `${env.region}${env.availabilityZoneSuffixes[1]}`],
    });
    const alb = new LoadBalancer(this, 'load-balancer', {
      namePrefix: prefix,
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      containerPort: CONTAINER_PORT,
      https: Boolean(env.certificateArn),
      deletionProtection: env.deletionProtection,
      dependsOn: network.internetReady,
    });
    const listeners = new TrafficListeners(this, 'listeners', {
      loadBalancerArn: alb.arn,
      lambdaTargetGroupArn: alb.lambdaTargetGroupArn,
      fargateTargetGroupArn: alb.fargateTargetGroupArn,
      ...(env.certificateArn ? { certificateArn: env.certificateArn } : {}),
    });

    // Made after the Fargate service, whose security group its job tasks share; the service and the
    // function read its environment when the stack is synthesized.
    const made: { jobs?: Jobs } = {};
    const jobEnvironment = () => {
      if (!made.jobs) throw new Error('the jobs construct is made after the computes that read its environment');
      return made.jobs.apiEnvironment;
    };

    const lambda = new LambdaTarget(this, 'lambda', {
      functionName: prefix,
      imageUri: image.imageUri,
      architecture: env.architecture,
      memoryMiB: env.lambda.memoryMiB,
      timeoutSeconds: LAMBDA_TIMEOUT_SECONDS,
      ...(env.lambda.reservedConcurrency ? { reservedConcurrency: env.lambda.reservedConcurrency } : {}),
      targetGroupArn: alb.lambdaTargetGroupArn,
      logRetentionDays: env.logRetentionDays,
      environment: jobEnvironment,
      servingCount: traffic.whileLambdaServes,
      dependsOn: [image.pushed, registry.lambdaPull],
    });

    const cluster = new EcsCluster(this, 'cluster', { name: prefix });
    const fargate = new FargateService(this, 'fargate', {
      namePrefix: prefix,
      region: env.region,
      clusterArn: cluster.arn,
      imageUri: image.imageUri,
      repositoryArn: registry.repositoryArn,
      cpu: env.fargate.cpu,
      memoryMiB: env.fargate.memoryMiB,
      architecture: env.architecture,
      containerPort: CONTAINER_PORT,
      initialTasks: env.fargate.minTasks,
      runningCount: traffic.whileFargateRuns,
      vpcId: network.vpcId,
      subnetIds: network.serviceSubnetIds,
      assignPublicIp: network.assignPublicIp,
      loadBalancerSecurityGroupId: alb.securityGroupId,
      targetGroupArn: alb.fargateTargetGroupArn,
      logRetentionDays: env.logRetentionDays,
      environment: jobEnvironment,
      dependsOn: [...listeners.all, image.pushed],
    });
    const jobs = (made.jobs = new Jobs(this, 'jobs', {
      namePrefix: prefix,
      region: env.region,
      clusterArn: cluster.arn,
      clusterName: cluster.name,
      imageUri: image.imageUri,
      repositoryArn: registry.repositoryArn,
      cpu: env.fargate.cpu,
      memoryMiB: env.fargate.memoryMiB,
      architecture: env.architecture,
      subnetIds: network.serviceSubnetIds,
      securityGroupId: fargate.securityGroupId,
      assignPublicIp: network.assignPublicIp,
      logRetentionDays: env.logRetentionDays,
      deletionProtection: env.deletionProtection,
    }));
    // Both computes place jobs: the same permissions for the function's role and the tasks' role.
    new IamRolePolicy(this, 'lambda-start-jobs', {
      role: lambda.roleId,
      name: 'start-jobs',
      policy: jobs.startJobsPolicy(this, 'lambda-start-jobs-permissions').json,
    });
    new IamRolePolicy(this, 'fargate-start-jobs', {
      role: fargate.taskRoleId,
      name: 'start-jobs',
      policy: jobs.startJobsPolicy(this, 'fargate-start-jobs-permissions').json,
    });
    new FargateAutoscaling(this, 'autoscaling', {
      clusterName: cluster.name,
      serviceName: fargate.serviceName,
      minTasks: env.fargate.minTasks,
      maxTasks: env.fargate.maxTasks,
      targetCpuPercent: env.fargate.targetCpuPercent,
      targetRequestsPerTask: env.fargate.targetRequestsPerTask,
      requestCountResourceLabel: `${alb.arnSuffix}/${alb.fargateTargetGroupArnSuffix}`,
    });

    const routing = new WeightedRouting(this, 'routing', {
      listenerArn: listeners.serving.arn,
      lambdaTargetGroupArn: alb.lambdaTargetGroupArn,
      fargateTargetGroupArn: alb.fargateTargetGroupArn,
      lambdaWeight: traffic.lambdaWeight,
      fargateWeight: traffic.fargateWeight,
      after: [fargate.drainGate, lambda.warmedUp],
    });

    // The safety net watches both computes whatever the split: a compute without traffic has no data.
    const targetGroupArnSuffixes = { lambda: alb.lambdaTargetGroupArnSuffix, fargate: alb.fargateTargetGroupArnSuffix };
    const alarms = new SafetyNetAlarms(this, 'safety-net', {
      namePrefix: prefix,
      limits: env.safetyNet,
      loadBalancerArnSuffix: alb.arnSuffix,
      targetGroupArnSuffixes,
    });
    const dashboard = new ComputeDashboard(this, 'dashboard', {
      name: prefix,
      region: env.region,
      limits: env.safetyNet,
      loadBalancerArnSuffix: alb.arnSuffix,
      targetGroupArnSuffixes,
      lambdaFunctionName: lambda.functionName,
      ecsClusterName: cluster.name,
      ecsServiceName: fargate.serviceName,
      alarmArns: alarms.alarmArns,
    });

    declareStackOutputs(this, {
      serviceUrl: `${env.certificateArn ? 'https' : 'http'}://${alb.dnsName}`,
      ecrRepositoryUrl: registry.repositoryUrl,
      runningImageUri: image.imageUri,
      lambdaFunctionName: lambda.functionName,
      ecsClusterName: cluster.name,
      ecsServiceName: fargate.serviceName,
      loadBalancerArnSuffix: alb.arnSuffix,
      jobsTableName: jobs.tableName,
      jobTaskDefinitionArn: jobs.taskDefinitionArn,
      activeCompute: traffic.activeCompute,
      lambdaWeight: traffic.lambdaWeight,
      fargateWeight: traffic.fargateWeight,
      fargateStandbyActive: traffic.fargateStandbyActive,
      listenerRuleArn: routing.ruleArn,
      targetGroups: {
        lambda: { arn: alb.lambdaTargetGroupArn, arnSuffix: alb.lambdaTargetGroupArnSuffix },
        fargate: { arn: alb.fargateTargetGroupArn, arnSuffix: alb.fargateTargetGroupArnSuffix },
      },
      alarmNames: alarms.alarmNames,
      dashboardName: dashboard.dashboardName,
      alarmTopicArn: alarms.topicArn,
    });
  }
}
