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

/**
 * Reads a handler result the way ALB and API Gateway do, and throws on a result they would reject
 * (they answer 502 to the client), so a malformed result fails a test instead of passing quietly.
 */
export function readLambdaResult(result: unknown): HttpResponse {
  if (!isRecord(result)) throw new TypeError(`handler result must be an object, got ${JSON.stringify(result)}`);
  const { statusCode, headers = {}, multiValueHeaders = {}, cookies = [], body = '', isBase64Encoded = false } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new TypeError(`handler result has no valid statusCode: ${JSON.stringify(statusCode)}`);
  }
  if (!isRecord(headers) || !isRecord(multiValueHeaders) || !Array.isArray(cookies)) {
    throw new TypeError('handler result headers, multiValueHeaders and cookies must be objects/arrays');
  }
  if (typeof body !== 'string' || typeof isBase64Encoded !== 'boolean') {
    throw new TypeError('handler result body must be a string and isBase64Encoded a boolean');
  }
  const merged: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) merged[name.toLowerCase()] = [String(value)];
  // Where both are present the load balancer uses multiValueHeaders.
  for (const [name, values] of Object.entries(multiValueHeaders)) {
    if (!Array.isArray(values)) throw new TypeError(`multiValueHeaders.${name} must be an array`);
    merged[name.toLowerCase()] = values.map(String);
  }
  if (cookies.length) merged['set-cookie'] = [...(merged['set-cookie'] ?? []), ...cookies.map(String)];
  return { statusCode, headers: merged, body: Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8') };
}
