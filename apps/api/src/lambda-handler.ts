import { STATUS_CODES } from 'node:http';
import awsLambdaFastify from '@fastify/aws-lambda';
import type { EventKind, LambdaHttpHandler, LambdaHttpResult } from '@switchyard/lambda-contract/contract';
import type { Context } from 'aws-lambda';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './http-error';
import { checkEvent, toAdapterEvent } from './lambda-event';
import { asInvocation } from './request-id';

const JSON_TYPE = 'application/json; charset=utf-8';

function jsonError(statusCode: number, code: string, message: string): LambdaHttpResult {
  return { statusCode, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(errorBody(code, message)), isBase64Encoded: false };
}

const statusDescriptions = new Map(Object.entries(STATUS_CODES).map(([code, text]) => [Number(code), `${code} ${text}`]));

/** ALB wants a status description, and multiValueHeaders (only) when the target group sends them. */
function forTrigger(kind: EventKind, result: LambdaHttpResult): LambdaHttpResult {
  if (kind !== 'alb' && kind !== 'alb-multi-value') return result;
  // Every result reaching here is the handler's own new object, so it is completed in place.
  result.statusDescription = statusDescriptions.get(result.statusCode) ?? String(result.statusCode);
  if (kind === 'alb') return result;
  const { headers = {}, multiValueHeaders = {}, ...rest } = result;
  const lists: Record<string, string[]> = multiValueHeaders;
  for (const name in headers) lists[name] ??= [headers[name] as string];
  return { ...rest, multiValueHeaders: lists };
}

/**
 * Wraps the app for Lambda: any HTTP trigger (ALB with or without multi-value headers, API Gateway
 * REST and HTTP APIs, function URLs) in, the matching result out. Never throws: a malformed event
 * gets a 400 and an unexpected failure a 500, both in the JSON error envelope.
 */
export function createLambdaHandler(app: FastifyInstance): LambdaHttpHandler<LambdaHttpResult> {
  const proxy = awsLambdaFastify(app, {
    // Request ids are set around the dispatch (request-id.ts); the per-request decoration is unneeded work.
    decorateRequest: false,
    parseCommaSeparatedQueryParams: false,
  });

  // Fastify dispatches synchronously only once the app is ready, which asInvocation relies on.
  let ready = false;

  return async function handler(event, context) {
    const checked = checkEvent(event);
    if (!checked.ok) {
      app.log.warn({ problem: checked.problem }, 'rejected malformed Lambda event');
      return jsonError(400, 'BAD_EVENT', checked.problem);
    }
    const internalError = () => forTrigger(checked.kind, jsonError(500, 'INTERNAL_ERROR', 'Internal Server Error'));
    try {
      if (!ready) {
        await app.ready();
        ready = true;
      }
      const invoke = () => proxy(toAdapterEvent(checked.kind, checked.event) as never, context as Context);
      const result = (await (context?.awsRequestId ? asInvocation(context.awsRequestId, invoke) : invoke())) as LambdaHttpResult;
      // The adapter answers an inject failure with an empty 500; give it the envelope.
      if (result.statusCode >= 500 && !result.body) return internalError();
      return forTrigger(checked.kind, result);
    } catch (err) {
      app.log.error({ err }, 'Lambda invocation failed');
      return internalError();
    }
  };
}
