import { STATUS_CODES } from 'node:http';
import awsLambdaFastify from '@fastify/aws-lambda';
import type { EventKind, LambdaHttpHandler, LambdaHttpResult } from '@switchyard/lambda-contract/contract';
import type { Context } from 'aws-lambda';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './http-error';
import { checkEvent, toAdapterEvent } from './lambda-event';
import { lambdaInvocation } from './request-id';

const JSON_TYPE = 'application/json; charset=utf-8';

function jsonError(statusCode: number, code: string, message: string): LambdaHttpResult {
  return { statusCode, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(errorBody(code, message)), isBase64Encoded: false };
}

/** ALB wants a status description, and multiValueHeaders (only) when the target group sends them. */
function forTrigger(kind: EventKind, result: LambdaHttpResult): LambdaHttpResult {
  if (kind !== 'alb' && kind !== 'alb-multi-value') return result;
  const withStatus = { ...result, statusDescription: `${result.statusCode} ${STATUS_CODES[result.statusCode] ?? ''}`.trim() };
  if (kind === 'alb') return withStatus;
  const { headers = {}, multiValueHeaders = {}, ...rest } = withStatus;
  const lists: Record<string, string[]> = { ...multiValueHeaders };
  for (const [name, value] of Object.entries(headers)) lists[name] ??= [value];
  return { ...rest, multiValueHeaders: lists };
}

/**
 * Wraps the app for Lambda: any HTTP trigger (ALB with or without multi-value headers, API Gateway
 * REST and HTTP APIs, function URLs) in, the matching result out. Never throws: a malformed event
 * gets a 400 and an unexpected failure a 500, both in the JSON error envelope.
 */
export function createLambdaHandler(app: FastifyInstance): LambdaHttpHandler<LambdaHttpResult> {
  const proxy = awsLambdaFastify(app, {
    // Request ids travel in async context (request-id.ts); the per-request decoration is unneeded work.
    decorateRequest: false,
    parseCommaSeparatedQueryParams: false,
  });

  return async function handler(event, context) {
    const checked = checkEvent(event);
    if (!checked.ok) {
      app.log.warn({ problem: checked.problem }, 'rejected malformed Lambda event');
      return jsonError(400, 'BAD_EVENT', checked.problem);
    }
    const internalError = () => forTrigger(checked.kind, jsonError(500, 'INTERNAL_ERROR', 'Internal Server Error'));
    try {
      const invoke = () => proxy(toAdapterEvent(checked.kind, checked.event) as never, context as Context);
      const result = (await (context?.awsRequestId
        ? lambdaInvocation.run({ awsRequestId: context.awsRequestId }, invoke)
        : invoke())) as LambdaHttpResult;
      // The adapter answers an inject failure with an empty 500; give it the envelope.
      if (result.statusCode >= 500 && !result.body) return internalError();
      return forTrigger(checked.kind, result);
    } catch (err) {
      app.log.error({ err }, 'Lambda invocation failed');
      return internalError();
    }
  };
}
