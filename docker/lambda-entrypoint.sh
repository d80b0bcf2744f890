#!/bin/sh
# Lambda mode: the AWS Lambda Runtime Interface Client serves invocations with the handler named by
# the command (the function's image config sets it to dist/lambda.handler). The client reads the
# handler from _HANDLER only.
set -eu
export _HANDLER="${1:-dist/lambda.handler}"
exec node /app/node_modules/aws-lambda-ric/index.mjs "$_HANDLER"
