#!/bin/sh
# Lambda mode: the AWS Lambda Runtime Interface Client serves invocations with the handler named by
# the command (the function's image config sets it to dist/lambda.handler). The client reads the
# handler from _HANDLER only, and resolves it against LAMBDA_TASK_ROOT, which Lambda sets to
# /var/task for every function; the code of this image lives in /app.
set -eu
export _HANDLER="${1:-dist/lambda.handler}"
export LAMBDA_TASK_ROOT=/app
exec node /app/node_modules/aws-lambda-ric/index.mjs "$_HANDLER"
