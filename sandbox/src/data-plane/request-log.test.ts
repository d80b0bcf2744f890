import { parseRequestLog, REQUEST_LOG_MARKER, servedRequest, type ServedRequest } from './request-log';

/*
 * HAProxy's request lines, as the config's log format writes them (haproxy.test.ts reads them from a
 * real HAProxy), and what each means for the ALB's metrics.
 */

const AT = 1_796_243_468_243;
const line = (fields: string) => `${REQUEST_LOG_MARKER} ${AT} ${fields}`;

test.each<[string, string, Partial<ServedRequest>]>([
  [
    "a target's answer, with its response time",
    'ip_target_group t-a 200 12 -- 0 ""',
    { targetChosen: true, status: 200, answeredBy: 'target', targetResponseSeconds: 0.012, targetConnectionErrors: 0 },
  ],
  [
    "a target's own 500",
    'ip_target_group t-a 500 3 -- 0 ""',
    { targetChosen: true, status: 500, answeredBy: 'target', targetResponseSeconds: 0.003 },
  ],
  [
    'no target to choose: the load balancer answers 503 and counts no request',
    'ip_target_group <NOSRV> 503 -1 SC 0 ""',
    { targetChosen: false, status: 503, answeredBy: 'load-balancer', targetResponseSeconds: undefined, targetConnectionErrors: 0 },
  ],
  [
    'a target that refuses the connection, on every retry',
    'ip_target_group t-a 503 -1 SC 3 ""',
    { targetChosen: true, status: 503, answeredBy: 'load-balancer', targetConnectionErrors: 4 },
  ],
  ['a connection that succeeded on a retry', 'ip_target_group t-a 200 5 -- +1 ""', { answeredBy: 'target', targetConnectionErrors: 1 }],
  [
    'a target that closes the connection before answering',
    'ip_target_group t-a 502 -1 SH 0 ""',
    { targetChosen: true, status: 502, answeredBy: 'load-balancer', targetResponseSeconds: undefined, targetConnectionErrors: 0 },
  ],
  ['a target that does not answer in time', 'ip_target_group t-a 504 -1 sH 0 ""', { status: 504, answeredBy: 'load-balancer' }],
  ['response headers the proxy refused', 'ip_target_group t-a 502 7 PH 0 ""', { status: 502, answeredBy: 'load-balancer' }],
  [
    'a client that left before the answer: no status',
    'ip_target_group t-a -1 -1 CH 0 ""',
    { targetChosen: true, status: undefined, answeredBy: 'load-balancer' },
  ],
  ["the function's own answer, through the bridge", 'lambda_target_group lambda 404 80 -- 0 ""', { answeredBy: 'target', status: 404 }],
  [
    "a function error: the bridge's 502 is the load balancer's, and a LambdaUserError",
    'lambda_target_group lambda 502 95 -- 0 "lambda-user-error"',
    { targetChosen: true, answeredBy: 'load-balancer', lambdaError: 'user', targetResponseSeconds: undefined },
  ],
  [
    'a failed Invoke: a LambdaInternalError',
    'lambda_target_group lambda 502 4 -- 0 "lambda-internal-error"',
    { answeredBy: 'load-balancer', lambdaError: 'internal' },
  ],
  [
    'no function registered: 503, and no request counted',
    'lambda_target_group lambda 503 1 -- 0 "no-target"',
    { targetChosen: false, answeredBy: 'load-balancer', lambdaError: undefined },
  ],
])('%s', (_, fields, expected) => {
  const logged = parseRequestLog(line(fields));
  expect(logged).toBeDefined();
  expect(servedRequest(logged!)).toEqual(expect.objectContaining({ at: AT, ...expected }));
});

test('a line that is not a request line is not read as one', () => {
  expect(parseRequestLog('[WARNING]  (12) : Server ip_target_group/t-a is DOWN')).toBeUndefined();
  expect(parseRequestLog(`${REQUEST_LOG_MARKER} garbled`)).toBeUndefined();
});

test('an unknown mark is no mark: only the bridge sets one, and only these', () => {
  expect(parseRequestLog(line('lambda_target_group lambda 200 3 -- 0 "something-else"'))?.bridgeAnswer).toBeUndefined();
});
