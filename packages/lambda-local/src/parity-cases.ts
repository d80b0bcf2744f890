import type { HttpRequest } from './events';
import type { HttpResponse } from './results';

export interface ParityCase {
  name: string;
  request: HttpRequest;
  expectedStatus: number;
  /** ALB single-value target groups keep only the last of repeated keys, so that kind sees another request. */
  repeatsKeys?: boolean;
  /** Needs the job table (JOBS_TABLE): a tier without one leaves the case out. */
  needsJobs?: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const get = (path: string, query?: string): HttpRequest => ({ method: 'GET', path, ...(query === undefined ? {} : { query }) });
const postJob = (body: string, headers: Record<string, string> = {}): HttpRequest => ({
  method: 'POST',
  path: '/jobs',
  headers: { ...JSON_HEADERS, ...headers },
  body,
});
const postUsers = (body: string, headers: Record<string, string> = JSON_HEADERS): HttpRequest => ({
  method: 'POST',
  path: '/users',
  headers,
  body,
});

/** One table, sent to both computes: every route, the errors, and the encodings that differ between triggers. */
export const PARITY_CASES: ParityCase[] = [
  { name: 'root', request: get('/'), expectedStatus: 200 },
  { name: 'hello, default name', request: get('/hello'), expectedStatus: 200 },
  { name: 'hello, a name', request: get('/hello', 'name=Ada'), expectedStatus: 200 },
  { name: 'hello, UTF-8 and + as space', request: get('/hello', 'name=J%C3%B6rg+M%C3%BCller'), expectedStatus: 200 },
  { name: 'hello, emoji', request: get('/hello', 'name=%F0%9F%9A%80'), expectedStatus: 200 },
  { name: 'hello, empty name', request: get('/hello', 'name='), expectedStatus: 200 },
  { name: 'hello, encoded & and =', request: get('/hello', 'name=a%26b%3Dc'), expectedStatus: 200 },
  { name: 'hello, malformed percent-encoding', request: get('/hello', 'name=%E0%A4%A'), expectedStatus: 200 },
  { name: 'hello, name too long', request: get('/hello', `name=${'x'.repeat(201)}`), expectedStatus: 400 },
  { name: 'hello, repeated name', request: get('/hello', 'name=a&name=b'), expectedStatus: 400, repeatsKeys: true },
  { name: 'hello, unknown parameter ignored', request: get('/hello', 'name=Ada&extra=1'), expectedStatus: 200 },
  { name: 'goodbye, a name', request: get('/goodbye', 'name=Grace'), expectedStatus: 200 },
  { name: 'uppercase, default input', request: get('/uppercase'), expectedStatus: 200 },
  { name: 'uppercase, encoded space', request: get('/uppercase', 'input=hello%20world'), expectedStatus: 200 },
  { name: 'uppercase, Turkish locale', request: get('/uppercase', 'input=istanbul&locale=tr'), expectedStatus: 200 },
  { name: 'uppercase, invalid locale', request: get('/uppercase', 'input=x&locale=no_such!'), expectedStatus: 400 },
  { name: 'lowercase, raw commas (payload 2.0 splits these by default)', request: get('/lowercase', 'input=A,B,C'), expectedStatus: 200 },
  { name: 'lowercase, encoded commas', request: get('/lowercase', 'input=A%2CB'), expectedStatus: 200 },
  { name: 'capitalize, accented first letter', request: get('/capitalize', 'input=%C3%A9cole'), expectedStatus: 200 },
  { name: 'capitalize, empty input', request: get('/capitalize', 'input='), expectedStatus: 200 },
  { name: 'users, created', request: postUsers('{"email":"ada@example.com"}'), expectedStatus: 201 },
  {
    name: 'users, content type with charset',
    request: postUsers('{"email":"ada@example.com"}', { 'content-type': 'application/json; charset=utf-8' }),
    expectedStatus: 201,
  },
  { name: 'users, invalid email', request: postUsers('{"email":"not-an-email"}'), expectedStatus: 400 },
  { name: 'users, blank email', request: postUsers('{"email":"  "}'), expectedStatus: 400 },
  { name: 'users, missing email', request: postUsers('{}'), expectedStatus: 400 },
  { name: 'users, array body', request: postUsers('[]'), expectedStatus: 400 },
  { name: 'users, malformed JSON', request: postUsers('{"email":'), expectedStatus: 400 },
  { name: 'users, empty JSON body', request: postUsers(''), expectedStatus: 400 },
  { name: 'users, plain text body', request: postUsers('ada@example.com', { 'content-type': 'text/plain' }), expectedStatus: 400 },
  { name: 'users, unsupported content type', request: postUsers('<email/>', { 'content-type': 'application/xml' }), expectedStatus: 415 },
  {
    name: 'users, body over the limit',
    request: postUsers(JSON.stringify({ email: `${'a'.repeat(600 * 1024)}@example.com` })),
    expectedStatus: 413,
  },
  { name: 'work, zero', request: get('/work', 'ms=0'), expectedStatus: 200 },
  { name: 'work, short', request: get('/work', 'ms=5'), expectedStatus: 200 },
  { name: 'work, over the maximum', request: get('/work', 'ms=30001'), expectedStatus: 400 },
  { name: 'work, negative', request: get('/work', 'ms=-5'), expectedStatus: 400 },
  { name: 'work, not a number', request: get('/work', 'ms=soon'), expectedStatus: 400 },
  { name: 'work, missing ms', request: get('/work'), expectedStatus: 400 },
  { name: 'health', request: get('/health'), expectedStatus: 200 },
  { name: 'ready', request: get('/ready'), expectedStatus: 200 },
  { name: 'HEAD health', request: { method: 'HEAD', path: '/health' }, expectedStatus: 200 },
  { name: 'unknown route', request: get('/nope'), expectedStatus: 404 },
  { name: 'routes are case-sensitive', request: get('/Hello'), expectedStatus: 404 },
  { name: 'trailing slash', request: get('/hello/'), expectedStatus: 404 },
  { name: 'unknown method on a route', request: { method: 'DELETE', path: '/users' }, expectedStatus: 404 },
  { name: 'OpenAPI document', request: get('/openapi.json'), expectedStatus: 200 },
  { name: 'jobs, work over an hour', request: postJob('{"kind":"work","input":{"ms":3600001}}'), expectedStatus: 400, needsJobs: true },
  { name: 'jobs, unknown kind', request: postJob('{"kind":"mine","input":{}}'), expectedStatus: 400, needsJobs: true },
  { name: 'jobs, malformed JSON', request: postJob('{"kind":'), expectedStatus: 400, needsJobs: true },
  { name: 'jobs, unknown id', request: get('/jobs/00000000-0000-4000-8000-000000000000'), expectedStatus: 404, needsJobs: true },
  { name: 'jobs, unknown status', request: get('/jobs', 'status=lost'), expectedStatus: 400, needsJobs: true },
  {
    // Both computes share the table: the second to ask gets the job the first created. Too long to run
    // inline, it goes to a one-off task, which this tier has none of, so it fails at once, identically.
    name: 'jobs, the same Idempotency-Key answers with the same job',
    request: postJob('{"kind":"work","input":{"ms":1000},"declaredMs":60000}', { 'idempotency-key': 'parity-long-job' }),
    expectedStatus: 202,
    needsJobs: true,
  },
];

/** What a client can tell apart, less what legitimately differs per call or per compute. */
export function comparable(response: HttpResponse, path: string) {
  const contentType = response.headers['content-type']?.[0];
  let body: unknown = response.body.toString('utf8');
  if (contentType?.startsWith('application/json') && response.body.length) {
    body = JSON.parse(body as string, (key, value) => (key === 'timestamp' || key === 'id' ? '<varies>' : value));
    if (path === '/') body = { ...(body as object), message: '<compute>', compute: '<compute>' };
  }
  return { statusCode: response.statusCode, contentType, body };
}
