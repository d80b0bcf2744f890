import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrRepositoryPolicy } from '@cdktf/provider-aws/lib/ecr-repository-policy';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

export interface ContainerRegistryProps {
  /** Repository name. */
  readonly name: string;
  /** How many of the newest images to keep; older ones expire. */
  readonly keepImages: number;
  /** Allow `destroy` to delete a repository that still holds images. @default false */
  readonly forceDelete?: boolean;
  /** The tag of the image the stack runs: never expired, however many images come after it. */
  readonly runningTag: string;
  /** The function that pulls the image; only it may, as the Lambda service. */
  readonly lambdaFunctionName: string;
  readonly region: string;
}

/** The ECR repository that holds the one image both computes run. */
export class ContainerRegistry extends Construct {
  readonly repositoryUrl: string;
  readonly repositoryArn: string;
  /** The repository policy that lets Lambda pull; a function created before it cannot. */
  readonly lambdaPull: EcrRepositoryPolicy;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);

    const repository = new EcrRepository(this, 'repository', {
      name: props.name,
      // Tags name content (a source hash), so a tag must never be moved to other content.
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'AES256' }],
      forceDelete: props.forceDelete ?? false,
    });

    // "An image that matches the tagging requirements of a higher priority rule cannot be expired by
    // a rule with a lower priority" (ECR lifecycle policy evaluation rules): rule 1 shields the
    // running image from rule 2, so a function does not go Failed for want of its image.
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: 'Keep the image the stack runs',
            selection: { tagStatus: 'tagged', tagPrefixList: [props.runningTag], countType: 'imageCountMoreThan', countNumber: 1 },
            action: { type: 'expire' },
          },
          {
            rulePriority: 2,
            description: `Keep the ${props.keepImages} newest images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: props.keepImages },
            action: { type: 'expire' },
          },
        ],
      }),
    });

    // Lambda pulls a function's image as the Lambda service. Without this statement it can only
    // if the deploying principal may add it itself (ecr:SetRepositoryPolicy), which a
    // least-privilege CI role may not. The condition admits this stack's function only.
    // https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#configuration-images-permissions
    const arnPart = (index: number) => Fn.element(Fn.split(':', repository.arn), index);
    this.lambdaPull = new EcrRepositoryPolicy(this, 'lambda-pull', {
      repository: repository.name,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'LambdaPullsTheFunctionImage',
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
            Condition: {
              StringLike: {
                'aws:sourceArn': `arn:${arnPart(1)}:lambda:${props.region}:${arnPart(4)}:function:${props.lambdaFunctionName}`,
              },
            },
          },
        ],
      }),
    });

    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
  }
}
