import { jsonBody, jsonError, jsonReply, sameServiceCall, type AwsCall } from '../aws-call';
import type { FidelityPatch } from '../fidelity-layer';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

interface ImageId {
  imageTag?: string;
  imageDigest?: string;
}

/**
 * ECR's API reports the images that were pushed to the repository's registry. In the sandbox the
 * registry is a real OCI registry on loopback (the distribution registry), so DescribeImages and
 * BatchGetImage read it, by tag or digest.
 */
export function ecrRegistryImages(registry: string): FidelityPatch {
  const manifest = async (repository: string, reference: string) => {
    const response = await fetch(`http://${registry}/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_TYPES } });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`the registry answered ${response.status} for ${repository}:${reference}`);
    return {
      body: await response.text(),
      mediaType: response.headers.get('content-type') ?? '',
      digest: response.headers.get('docker-content-digest') ?? '',
    };
  };
  return {
    name: 'ecr-registry-images',
    restores:
      'DescribeImages and BatchGetImage report what was pushed to the repository (digest, tags, manifest and its media type), ' +
      'and answer ImageNotFoundException for an image that was not. ' +
      'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html',
    applies: (call: AwsCall) => call.service === 'ecr' && (call.action === 'DescribeImages' || call.action === 'BatchGetImage'),
    async handle(call, moto) {
      const request = jsonBody<{ repositoryName: string; imageIds?: ImageId[]; registryId?: string }>(call);
      // The repository must exist in ECR's API (moto) before its images do.
      const repository = await moto(sameServiceCall(call, 'DescribeRepositories', { repositoryNames: [request.repositoryName] }));
      if (repository.status >= 300) return repository;
      const registryId = jsonBody<{ repositories: { registryId: string }[] }>(repository).repositories[0]?.registryId ?? '123456789012';
      const ids = request.imageIds ?? [];
      const found = await Promise.all(
        ids.map(async (id) => ({ id, manifest: await manifest(request.repositoryName, id.imageDigest ?? id.imageTag ?? '') })),
      );
      if (call.action === 'DescribeImages') {
        const missing = found.find((f) => !f.manifest);
        if (missing)
          return jsonError(
            400,
            'ImageNotFoundException',
            `The image with imageId {imageDigest:'${missing.id.imageDigest ?? 'null'}', imageTag:'${missing.id.imageTag ?? 'null'}'} does not exist within the repository with name '${request.repositoryName}' in the registry with id '${registryId}'`,
          );
        return jsonReply(200, {
          imageDetails: found.map(({ id, manifest: m }) => ({
            registryId,
            repositoryName: request.repositoryName,
            imageDigest: m!.digest,
            imageTags: id.imageTag ? [id.imageTag] : [],
            imageManifestMediaType: m!.mediaType,
            imageSizeInBytes: m!.body.length,
          })),
        });
      }
      return jsonReply(200, {
        images: found
          .filter((f) => f.manifest)
          .map(({ id, manifest: m }) => ({
            registryId,
            repositoryName: request.repositoryName,
            imageId: { imageDigest: m!.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
            imageManifest: m!.body,
            imageManifestMediaType: m!.mediaType,
          })),
        failures: found
          .filter((f) => !f.manifest)
          .map(({ id }) => ({ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' })),
      });
    },
  };
}
