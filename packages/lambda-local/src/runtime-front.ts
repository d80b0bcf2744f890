import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventKind } from '@switchyard/lambda-contract/contract';
import { createLambdaGateway } from './gateway';
import { startRuntimeApi, type RuntimeApi } from './runtime-api';

export interface RuntimeFrontOptions {
  host?: string;
  /** Where the runtime polls (AWS_LAMBDA_RUNTIME_API). @default 9001 */
  runtimePort?: number;
  /** Where HTTP clients connect. @default 3001 */
  httpPort?: number;
  /** @default 'alb-multi-value' */
  kind?: EventKind;
  timeoutMs?: number;
}

export interface RuntimeFront {
  runtimeApi: RuntimeApi;
  /** http://host:port of the HTTP side. */
  url: string;
  close(): Promise<void>;
}

/**
 * What stands in front of a function on AWS, for a runtime running elsewhere (the image in Lambda
 * mode, say): an HTTP endpoint that turns each request into an event, and the Runtime API that
 * hands the event to the runtime and takes its answer back.
 */
export async function startRuntimeFront(options: RuntimeFrontOptions = {}): Promise<RuntimeFront> {
  const host = options.host ?? '127.0.0.1';
  const runtimeApi = await startRuntimeApi({ host, port: options.runtimePort ?? 9001, timeoutMs: options.timeoutMs });
  const gateway: Server = createLambdaGateway(runtimeApi.handler, { kind: options.kind, timeoutMs: options.timeoutMs });
  try {
    await new Promise<void>((resolve, reject) => {
      gateway.once('error', reject);
      gateway.listen(options.httpPort ?? 3001, host, resolve);
    });
  } catch (err) {
    await runtimeApi.close();
    throw err;
  }
  const { port } = gateway.address() as AddressInfo;
  return {
    runtimeApi,
    url: `http://${host}:${port}`,
    close: async () => {
      gateway.closeAllConnections();
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
      await runtimeApi.close();
    },
  };
}
