import { randomUUID } from 'node:crypto';
import type { ALBEvent, APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EventKind, LambdaHttpEvent } from '@switchyard/lambda-contract/contract';

/** A plain HTTP request, as a client sent it. Header names may have any case. */
export interface HttpRequest {
  method: string;
  /** Path without the query string, e.g. `/hello`. */
  path: string;
  /** Raw query string without the `?`, exactly as sent, e.g. `name=J%C3%B6rg&tag=a&tag=b`. */
  query?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export interface EventOptions {
  /** API Gateway REST stage. @default 'prod' */
  stage?: string;
  /** Keep the stage as the path's first segment, as a custom domain without base path mapping does. @default false */
  stageInPath?: boolean;
  /** @default '203.0.113.10' */
  sourceIp?: string;
}

const TARGET_GROUP_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/switchyard-lambda/0123456789abcdef';

// Bodies of these types reach Lambda as text; everything else (and anything content-encoded) is base64.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html#receive-event-from-load-balancer
const TEXT_TYPES = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)|application\/[\w.+-]+\+(json|xml))/i;

type HeaderLists = Map<string, string[]>;

function headerLists(headers: HttpRequest['headers'] = {}): HeaderLists {
  const lists: HeaderLists = new Map();
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    lists.set(key, [...(lists.get(key) ?? []), ...(Array.isArray(value) ? value : [value])]);
  }
  return lists;
}

function lastValues(lists: HeaderLists): Record<string, string> {
  return Object.fromEntries([...lists].map(([k, v]) => [k, v[v.length - 1] ?? '']));
}

function allValues(lists: HeaderLists): Record<string, string[]> {
  return Object.fromEntries(lists);
}

/** Splits a raw query string into [key, value] pairs, still percent-encoded. */
function rawQueryPairs(query = ''): Array<[string, string]> {
  return query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    });
}

function formDecode(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function groupPairs(pairs: Array<[string, string]>): Record<string, string[]> {
  // No prototype: query keys such as `constructor` or `__proto__` are data here.
  const grouped: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [k, v] of pairs) (grouped[k] ??= []).push(v);
  return grouped;
}

function lastOfEach(grouped: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(grouped).map(([k, v]) => [k, v[v.length - 1] ?? '']));
}

function encodeBody(req: HttpRequest, lists: HeaderLists): { body: string | null; isBase64Encoded: boolean } {
  if (req.body === undefined) return { body: null, isBase64Encoded: false };
  const contentType = lists.get('content-type')?.[0] ?? '';
  const isText = TEXT_TYPES.test(contentType) && !lists.has('content-encoding');
  const bytes = typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
  return isText ? { body: bytes.toString('utf8'), isBase64Encoded: false } : { body: bytes.toString('base64'), isBase64Encoded: true };
}

/** ALB target-group event; ALB passes query keys and values still percent-encoded. */
export function toAlbEvent(req: HttpRequest, multiValue: boolean): ALBEvent {
  const lists = headerLists(req.headers);
  const query = groupPairs(rawQueryPairs(req.query));
  const { body, isBase64Encoded } = encodeBody(req, lists);
  const common = {
    requestContext: { elb: { targetGroupArn: TARGET_GROUP_ARN } },
    httpMethod: req.method,
    path: req.path,
    body: body ?? '',
    isBase64Encoded,
  };
  return multiValue
    ? { ...common, multiValueQueryStringParameters: query, multiValueHeaders: allValues(lists) }
    : { ...common, queryStringParameters: lastOfEach(query), headers: lastValues(lists) };
}

/** API Gateway REST API (payload 1.0) proxy event; API Gateway decodes the query for you. */
export function toApiGatewayV1Event(req: HttpRequest, options: EventOptions = {}): APIGatewayProxyEvent {
  const stage = options.stage ?? 'prod';
  const lists = headerLists(req.headers);
  const pairs = rawQueryPairs(req.query).map(([k, v]): [string, string] => [formDecode(k), formDecode(v)]);
  const multiQuery = pairs.length ? groupPairs(pairs) : null;
  const { body, isBase64Encoded } = encodeBody(req, lists);
  const requestId = randomUUID();
  return {
    resource: '/{proxy+}',
    path: options.stageInPath ? `/${stage}${req.path}` : req.path,
    httpMethod: req.method,
    headers: lastValues(lists),
    multiValueHeaders: allValues(lists),
    queryStringParameters: multiQuery && lastOfEach(multiQuery),
    multiValueQueryStringParameters: multiQuery,
    pathParameters: { proxy: req.path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcdef1234',
      authorizer: null,
      httpMethod: req.method,
      identity: { sourceIp: options.sourceIp ?? '203.0.113.10' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/${stage}${req.path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'abc123',
      resourcePath: '/{proxy+}',
      stage,
    },
    body,
    isBase64Encoded,
  };
}

function toPayloadV2Event(req: HttpRequest, domainName: string, options: EventOptions): APIGatewayProxyEventV2 {
  const lists = headerLists(req.headers);
  const cookies = lists
    .get('cookie')
    ?.flatMap((c) => c.split(/;\s*/))
    .filter(Boolean);
  lists.delete('cookie');
  // Payload 2.0 joins repeated headers and repeated query values with commas.
  const headers = Object.fromEntries([...lists].map(([k, v]) => [k, v.join(',')]));
  const pairs = rawQueryPairs(req.query).map(([k, v]): [string, string] => [formDecode(k), formDecode(v)]);
  const query = Object.fromEntries(Object.entries(groupPairs(pairs)).map(([k, v]) => [k, v.join(',')]));
  const { body, isBase64Encoded } = encodeBody(req, lists);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: req.path,
    rawQueryString: req.query ?? '',
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(pairs.length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: domainName.split('.')[0] ?? 'abcdef1234',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? '',
      http: {
        method: req.method,
        path: req.path,
        protocol: 'HTTP/1.1',
        sourceIp: options.sourceIp ?? '203.0.113.10',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body === null ? {} : { body }),
    isBase64Encoded,
  };
}

/** API Gateway HTTP API (payload 2.0) event. */
export function toApiGatewayV2Event(req: HttpRequest, options: EventOptions = {}): APIGatewayProxyEventV2 {
  return toPayloadV2Event(req, 'abcdef1234.execute-api.us-east-1.amazonaws.com', options);
}

/** Lambda function URL event: payload 2.0 with a lambda-url domain. */
export function toFunctionUrlEvent(req: HttpRequest, options: EventOptions = {}): APIGatewayProxyEventV2 {
  return toPayloadV2Event(req, 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.us-east-1.on.aws', options);
}

export function toLambdaEvent(kind: EventKind, req: HttpRequest, options: EventOptions = {}): LambdaHttpEvent {
  switch (kind) {
    case 'alb':
      return toAlbEvent(req, false);
    case 'alb-multi-value':
      return toAlbEvent(req, true);
    case 'api-gateway-v1':
      return toApiGatewayV1Event(req, options);
    case 'api-gateway-v2':
      return toApiGatewayV2Event(req, options);
    case 'function-url':
      return toFunctionUrlEvent(req, options);
  }
}
