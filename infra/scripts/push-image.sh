#!/bin/sh
# Builds docker/Dockerfile and pushes it to ECR, unless that tag is already there (tags are immutable).
# Run by Terraform during apply (infra/src/constructs/image-build.ts) from the repository root.
#
# Lambda refuses an image index ("The image manifest, config or layer media type ... is not
# supported"): one platform, and no provenance or SBOM attestations, which BuildKit otherwise adds
# as index entries. The pushed manifest's media type is checked before Terraform goes on.
#
# SWITCHYARD_CA_BUNDLE: a PEM file passed to the build as the secret "ca_bundle", for registries
# behind a TLS-intercepting proxy.
set -eu

: "${REPOSITORY_URL:?}" "${IMAGE_TAG:?}" "${AWS_REGION:?}" "${PLATFORM:=linux/amd64}"

fail() {
  echo "push-image: $*" >&2
  exit 1
}

for tool in docker aws; do
  command -v "$tool" >/dev/null 2>&1 ||
    fail "'$tool' is not installed. Install it, or deploy a prebuilt image with TF_VAR_image_uri=<repo>@sha256:..."
done
docker buildx version >/dev/null 2>&1 ||
  fail "Docker BuildKit (docker buildx) is required: the legacy builder cannot leave out attestations reliably."

registry=${REPOSITORY_URL%%/*}
repository=${REPOSITORY_URL#*/}

# Only "no such image" means build; any other error (credentials, network, permissions) stops here.
if found=$(aws ecr describe-images --region "$AWS_REGION" --repository-name "$repository" --image-ids "imageTag=$IMAGE_TAG" 2>&1); then
  echo "push-image: $REPOSITORY_URL:$IMAGE_TAG already exists; nothing to build."
  exit 0
fi
case "$found" in
  *ImageNotFoundException*) ;;
  *) fail "cannot read $repository in ECR: $found" ;;
esac

aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$registry"

set -- --platform "$PLATFORM" --provenance=false --sbom=false --file docker/Dockerfile --tag "$REPOSITORY_URL:$IMAGE_TAG" --push
if [ -n "${SWITCHYARD_CA_BUNDLE:-}" ]; then
  [ -r "$SWITCHYARD_CA_BUNDLE" ] || fail "SWITCHYARD_CA_BUNDLE=$SWITCHYARD_CA_BUNDLE is not a readable file"
  set -- "$@" --secret "id=ca_bundle,src=$SWITCHYARD_CA_BUNDLE"
fi
DOCKER_BUILDKIT=1 docker buildx build "$@" .

media_type=$(aws ecr batch-get-image --region "$AWS_REGION" --repository-name "$repository" --image-ids "imageTag=$IMAGE_TAG" \
  --query 'images[0].imageManifestMediaType' --output text)
case "$media_type" in
  application/vnd.docker.distribution.manifest.v2+json | application/vnd.oci.image.manifest.v1+json) ;;
  *) fail "$REPOSITORY_URL:$IMAGE_TAG was pushed as $media_type, an image index, which Lambda refuses. Build one platform with --provenance=false --sbom=false." ;;
esac
echo "push-image: pushed $REPOSITORY_URL:$IMAGE_TAG ($media_type)"
