import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The Lambda invocation being served. Carried in async context rather than a header so a client
 * cannot forge it and nothing extra reaches the routes; safe with concurrent invocations too.
 */
export const lambdaInvocation = new AsyncLocalStorage<{ awsRequestId: string }>();

// ALB's trace header looks like "Root=1-67891233-abcdef012345678912345678;Sampled=1".
const TRACE_ROOT = /(?:^|;)\s*Root=([\w-]{1,64})/;

/** Lambda's own request id (it matches Lambda's REPORT lines), else the ALB trace root, else a UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const invocation = lambdaInvocation.getStore();
  if (invocation) return invocation.awsRequestId;
  const trace = req.headers['x-amzn-trace-id'];
  const root = typeof trace === 'string' ? TRACE_ROOT.exec(trace)?.[1] : undefined;
  return root ?? randomUUID();
}
