#!/bin/sh
# Lambda mode: the AWS Lambda Runtime Interface Client serves invocations with the handler named by
# the command (the function's image config sets it to dist/lambda.handler). The client reads the
# handler from _HANDLER only, and resolves it against LAMBDA_TASK_ROOT, which Lambda sets to
# /var/task for every function; the code of this image lives in /app.
set -eu
export _HANDLER="${1:-dist/lambda.handler}"
export LAMBDA_TASK_ROOT=/app

# Node keeps its compile cache in a folder named after the Node version, the V8 cache tag and the
# uid (<version>-<arch>-<tag>-<uid>). The image's cache was filled by uid 1000, but Lambda runs an
# image as a user of its own, and /app is read-only, so Node could neither find nor create a folder
# for that uid and would run without the cache. Link the built one under this uid's name in /tmp,
# the one writable place; the cached code is the same whoever reads it.
# https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#images-reqs
uid=$(id -u)
for primed in "${NODE_COMPILE_CACHE:-/nonexistent}"/*-1000; do
  if [ -d "$primed" ] && [ "$uid" != 1000 ]; then
    mkdir -p /tmp/node-compile-cache
    name=${primed##*/}
    ln -sfn "$primed" "/tmp/node-compile-cache/${name%-1000}-$uid"
    export NODE_COMPILE_CACHE=/tmp/node-compile-cache
  fi
done
exec node /app/node_modules/aws-lambda-ric/index.mjs "$_HANDLER"
