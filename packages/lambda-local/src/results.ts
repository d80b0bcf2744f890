/** What any HTTP client would see, read back from a Lambda handler's result. */
export interface HttpResponse {
  statusCode: number;
  /** Lower-case names; every value kept. */
  headers: Record<string, string[]>;
  body: Buffer;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const describe = (value: unknown) => (value === undefined ? 'undefined' : JSON.stringify(value));

/**
 * Why ALB or API Gateway could not turn this result into an HTTP response (they answer 502 to the
 * client instead); empty when they could.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html#respond-to-load-balancer
 */
export function resultProblems(result: unknown): string[] {
  if (!isRecord(result)) return [`result must be an object, got ${describe(result)}`];
  const { statusCode, headers = {}, multiValueHeaders = {}, cookies = [], body = '', isBase64Encoded = false } = result;
  const problems: string[] = [];
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    problems.push(`statusCode ${describe(statusCode)} is not an HTTP status`);
  }
  if (!isRecord(headers) || Object.values(headers).some((v) => typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) {
    problems.push('headers must map names to single values');
  }
  if (!isRecord(multiValueHeaders) || Object.values(multiValueHeaders).some((v) => !Array.isArray(v))) {
    problems.push('multiValueHeaders must map names to lists');
  }
  if (!Array.isArray(cookies)) problems.push('cookies must be a list');
  if (typeof body !== 'string') problems.push('body must be a string');
  if (typeof isBase64Encoded !== 'boolean') problems.push('isBase64Encoded must be a boolean');
  return problems;
}

/**
 * Reads a handler result the way ALB and API Gateway do, and throws on one they would reject, so a
 * malformed result fails a test instead of passing quietly.
 */
export function readLambdaResult(result: unknown): HttpResponse {
  const problems = resultProblems(result);
  if (problems.length) throw new TypeError(`unusable Lambda result: ${problems.join('; ')}`);
  const {
    statusCode,
    headers = {},
    multiValueHeaders = {},
    cookies = [],
    body = '',
    isBase64Encoded = false,
  } = result as {
    statusCode: number;
    headers?: Record<string, unknown>;
    multiValueHeaders?: Record<string, unknown[]>;
    cookies?: unknown[];
    body?: string;
    isBase64Encoded?: boolean;
  };
  const merged: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) merged[name.toLowerCase()] = [String(value)];
  // Where both are present the load balancer uses multiValueHeaders.
  for (const [name, values] of Object.entries(multiValueHeaders)) merged[name.toLowerCase()] = values.map(String);
  if (cookies.length) merged['set-cookie'] = [...(merged['set-cookie'] ?? []), ...cookies.map(String)];
  return { statusCode, headers: merged, body: Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8') };
}
