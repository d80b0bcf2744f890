import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/*
 * The Lambda invocation being served, carried beside the request rather than in a header so a client
 * cannot forge it and nothing extra reaches the routes. Not in an AsyncLocalStorage: on Node 20 its
 * first use installs promise hooks for the whole process, which every promise of every later
 * request then pays for (3-4% of the handler's CPU in a profile). Fastify asks for the id
 * synchronously while it dispatches a request (route.js, routeHandler), so a variable set around
 * the synchronous dispatch is enough, and concurrent invocations cannot see each other's.
 */
let invocation: string | undefined;

/** Runs `dispatch`; a request Fastify starts synchronously within it gets `awsRequestId` as its id. */
export function asInvocation<T>(awsRequestId: string, dispatch: () => T): T {
  invocation = awsRequestId;
  try {
    return dispatch();
  } finally {
    invocation = undefined;
  }
}

// ALB's trace header looks like "Root=1-67891233-abcdef012345678912345678;Sampled=1".
const TRACE_ROOT = /(?:^|;)\s*Root=([\w-]{1,64})/;

/** Lambda's own request id (it matches Lambda's REPORT lines), else the ALB trace root, else a UUID. */
export function requestIdFor(req: IncomingMessage): string {
  if (invocation) return invocation;
  const trace = req.headers['x-amzn-trace-id'];
  const root = typeof trace === 'string' ? TRACE_ROOT.exec(trace)?.[1] : undefined;
  return root ?? randomUUID();
}
