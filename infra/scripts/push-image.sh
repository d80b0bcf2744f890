#!/bin/sh
# Builds docker/Dockerfile and pushes it to ECR, unless that tag is already there (tags are immutable).
# Run by Terraform during apply (infra/src/constructs/image-build.ts) from the repository root.
#
# Lambda refuses an image index ("The image manifest, config or layer media type ... is not
# supported"): one platform, and no provenance or SBOM attestations, which BuildKit otherwise adds
# as index entries. The pushed manifest's media type is checked before Terraform goes on.
#
# It builds with Docker BuildKit (docker buildx) when a Docker engine answers, else with podman,
# whose builds are one image manifest with no attestations. CONTAINER_ENGINE=docker|podman chooses.
#
# SWITCHYARD_CA_BUNDLE: a PEM file passed to the build as the secret "ca_bundle", for registries
# behind a TLS-intercepting proxy.
# BASE_IMAGE: another base with the layout of the Dockerfile's default, passed as a build argument.
# SWITCHYARD_REGISTRY_ENDPOINT: host:port of the registry to push to, when it is not the
# repository URL's host (the sandbox's loopback registry, which stands in for ECR's).
set -eu

: "${REPOSITORY_URL:?}" "${IMAGE_TAG:?}" "${AWS_REGION:?}" "${PLATFORM:=linux/amd64}"

fail() {
  echo "push-image: $*" >&2
  exit 1
}

command -v aws >/dev/null 2>&1 ||
  fail "'aws' is not installed. Install it, or deploy a prebuilt image with TF_VAR_image_uri=<repo>@sha256:..."
engine=${CONTAINER_ENGINE:-}
if [ -z "$engine" ]; then
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    engine=docker
  elif command -v podman >/dev/null 2>&1; then
    engine=podman
  elif command -v docker >/dev/null 2>&1; then
    engine=docker
  else
    fail "neither docker nor podman is installed. Install one, or deploy a prebuilt image with TF_VAR_image_uri=<repo>@sha256:..."
  fi
fi
case "$engine" in
  docker)
    docker buildx version >/dev/null 2>&1 ||
      fail "Docker BuildKit (docker buildx) is required: the legacy builder cannot leave out attestations reliably." ;;
  podman) ;;
  *) fail "CONTAINER_ENGINE=$engine: expected docker or podman" ;;
esac

registry=${REPOSITORY_URL%%/*}
repository=${REPOSITORY_URL#*/}
push_registry=${SWITCHYARD_REGISTRY_ENDPOINT:-$registry}
image="$push_registry/$repository:$IMAGE_TAG"
# A registry on this machine speaks plain HTTP; every other one is reached over TLS.
case "$push_registry" in
  127.0.0.1:* | localhost:*) tls_verify=false ;;
  *) tls_verify=true ;;
esac

# Only "no such image" means build; any other error (credentials, network, permissions) stops here.
if found=$(aws ecr describe-images --region "$AWS_REGION" --repository-name "$repository" --image-ids "imageTag=$IMAGE_TAG" 2>&1); then
  echo "push-image: $REPOSITORY_URL:$IMAGE_TAG already exists; nothing to build."
  exit 0
fi
case "$found" in
  *ImageNotFoundException*) ;;
  *) fail "cannot read $repository in ECR: $found" ;;
esac

set -- --platform "$PLATFORM" --file docker/Dockerfile --tag "$image"
if [ -n "${SWITCHYARD_CA_BUNDLE:-}" ]; then
  [ -r "$SWITCHYARD_CA_BUNDLE" ] || fail "SWITCHYARD_CA_BUNDLE=$SWITCHYARD_CA_BUNDLE is not a readable file"
  set -- "$@" --secret "id=ca_bundle,src=$SWITCHYARD_CA_BUNDLE"
fi
[ -n "${BASE_IMAGE:-}" ] && set -- "$@" --build-arg "BASE_IMAGE=$BASE_IMAGE"

if [ "$engine" = docker ]; then
  aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$push_registry"
  DOCKER_BUILDKIT=1 docker buildx build "$@" --provenance=false --sbom=false --push .
else
  aws ecr get-login-password --region "$AWS_REGION" |
    podman login --tls-verify="$tls_verify" --username AWS --password-stdin "$push_registry"
  # podman's default build network is cut off from the host's resolver and proxy settings.
  podman build "$@" --network host .
  podman push --tls-verify="$tls_verify" "$image"
fi

media_type=$(aws ecr batch-get-image --region "$AWS_REGION" --repository-name "$repository" --image-ids "imageTag=$IMAGE_TAG" \
  --query 'images[0].imageManifestMediaType' --output text)
case "$media_type" in
  application/vnd.docker.distribution.manifest.v2+json | application/vnd.oci.image.manifest.v1+json) ;;
  *) fail "$REPOSITORY_URL:$IMAGE_TAG was pushed as $media_type, an image index, which Lambda refuses. Build one platform with --provenance=false --sbom=false." ;;
esac
echo "push-image: pushed $REPOSITORY_URL:$IMAGE_TAG with $engine ($media_type)"
