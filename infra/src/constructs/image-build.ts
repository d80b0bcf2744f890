import { DataResource, TerraformLocal, type TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import type { CpuArchitecture } from '../config/environments';

export interface ImageBuildProps {
  readonly repositoryUrl: string;
  readonly region: string;
  readonly architecture: CpuArchitecture;
  /** Hash of everything that goes into the image; it is the tag, so a new tag means new content. */
  readonly sourceHash: string;
  /** Repository root: the Docker build context. */
  readonly repositoryRoot: string;
  /** The stack's `image_uri` variable (stacks/stack-inputs.ts): a prebuilt image, or "" to build. */
  readonly prebuiltImageUri: TerraformVariable;
}

/** The tag an image build gets: the source hash and the CPU architecture, so an image built for one never serves the other. */
export function imageTag(sourceHash: string, architecture: CpuArchitecture): string {
  return `src-${sourceHash.slice(0, 20)}-${architecture}`;
}

/**
 * The image reference both computes run. Either a prebuilt image given in the `image_uri` variable
 * (a tag or a digest), or `docker/Dockerfile` built and pushed during apply, tagged with the source
 * hash, before the function and task definition that use it.
 */
export class ImageBuild extends Construct {
  readonly imageUri: string;
  /** The tag this stack builds and pushes: the source hash and the CPU architecture. */
  readonly tag: string;
  /** Depend on this to run after the push. */
  readonly pushed: DataResource;

  constructor(scope: Construct, id: string, props: ImageBuildProps) {
    super(scope, id);

    const prebuilt = props.prebuiltImageUri;
    const tag = imageTag(props.sourceHash, props.architecture);
    const platform = props.architecture === 'arm64' ? 'linux/arm64' : 'linux/amd64';
    this.tag = tag;
    this.pushed = new DataResource(this, 'push', {
      // Re-run only when the content changes; an unchanged hash means the image is already there.
      triggersReplace: { tag, platform, repository: props.repositoryUrl },
    });
    this.pushed.addOverride('count', `\${${prebuilt.fqn} == "" ? 1 : 0}`);
    this.pushed.addOverride('provisioner', [
      {
        'local-exec': {
          working_dir: props.repositoryRoot,
          command: 'sh infra/scripts/push-image.sh',
          environment: { REPOSITORY_URL: props.repositoryUrl, IMAGE_TAG: tag, AWS_REGION: props.region, PLATFORM: platform },
        },
      },
    ]);

    // A local, so the task definition's JSON gets a plain reference; join() rather than a nested
    // "${...}" string, because cdktf renders references bare inside an expression.
    const imageUri = new TerraformLocal(
      scope,
      'image_uri_effective',
      `\${${prebuilt.fqn} != "" ? ${prebuilt.fqn} : join(":", [${props.repositoryUrl}, "${tag}"])}`,
    );
    this.imageUri = imageUri.asString;
  }
}
