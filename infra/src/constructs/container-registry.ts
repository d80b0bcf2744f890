import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Construct } from 'constructs';

export interface ContainerRegistryProps {
  /** Repository name. */
  readonly name: string;
  /** How many of the newest images to keep; older ones expire. */
  readonly keepImages: number;
  /** Allow `destroy` to delete a repository that still holds images. @default false */
  readonly forceDelete?: boolean;
}

/** The ECR repository that holds the one image both computes run. */
export class ContainerRegistry extends Construct {
  readonly repositoryUrl: string;
  readonly repositoryArn: string;
  readonly repositoryName: string;

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

    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Keep the ${props.keepImages} newest images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: props.keepImages },
            action: { type: 'expire' },
          },
        ],
      }),
    });

    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
    this.repositoryName = repository.name;
  }
}
