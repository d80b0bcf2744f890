import type { ALBEvent, APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';

/*
 * The one Lambda HTTP contract: which triggers a function behind switchyard may have, what they
 * send and what they accept back. The handler, the local stand-ins, the parity suite, the container
 * tier and the bench all speak these names.
 */

/** Every HTTP trigger the handler answers, one name each. */
export const EVENT_KINDS = ['alb', 'alb-multi-value', 'api-gateway-v1', 'api-gateway-v2', 'function-url'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * Payload format 1.0 (API Gateway REST, ALB) or 2.0 (API Gateway HTTP API, function URLs).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export function payloadVersion(kind: EventKind): '1.0' | '2.0' {
  return kind === 'api-gateway-v2' || kind === 'function-url' ? '2.0' : '1.0';
}

export type LambdaHttpEvent = ALBEvent | APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** What a handler returns: the union of the fields ALB, API Gateway and function URLs read. */
export interface LambdaHttpResult {
  statusCode: number;
  /** ALB only. */
  statusDescription?: string;
  headers?: Record<string, string>;
  /** ALB with multi-value headers on, and API Gateway REST. */
  multiValueHeaders?: Record<string, string[]>;
  /** Payload 2.0 only. */
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

/**
 * A Lambda HTTP handler. Callers outside the function (a gateway, a test) get `unknown` back by
 * default and read it with `readLambdaResult`, as a load balancer would, rather than trusting it.
 */
export type LambdaHttpHandler<Result = unknown> = (event: unknown, context: Context) => Promise<Result>;
