#!/bin/sh
# Builds docker/Dockerfile and pushes it to ECR, unless that tag is already there (tags are immutable).
# Run by Terraform during apply (infra/src/constructs/image-build.ts) from the repository root.
set -eu

: "${REPOSITORY_URL:?}" "${IMAGE_TAG:?}" "${AWS_REGION:?}" "${PLATFORM:=linux/amd64}"

for tool in docker aws; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "push-image: '$tool' is not installed. Install it, or deploy a prebuilt image with TF_VAR_image_uri=<repo>@sha256:..." >&2
    exit 1
  fi
done

registry=${REPOSITORY_URL%%/*}
repository=${REPOSITORY_URL#*/}

if aws ecr describe-images --region "$AWS_REGION" --repository-name "$repository" --image-ids "imageTag=$IMAGE_TAG" >/dev/null 2>&1; then
  echo "push-image: $REPOSITORY_URL:$IMAGE_TAG already exists; nothing to build."
  exit 0
fi

aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$registry"
docker build --platform "$PLATFORM" --file docker/Dockerfile --tag "$REPOSITORY_URL:$IMAGE_TAG" .
docker push "$REPOSITORY_URL:$IMAGE_TAG"
