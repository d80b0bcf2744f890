import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeCall, jsonError, type AwsCall, type AwsReply } from './aws-call';

/*
 * The local AWS's front door: every call reaches moto's server through here, and each patch may
 * answer it, change it on the way in, or change moto's answer on the way out. A patch restores
 * one documented AWS behaviour that moto lacks. The layer is a proxy on the wire rather than
 * Python patched into moto: it is written against AWS's API contract, which is documented and
 * stable, instead of moto's internals, which are not; and the calls that must run the real image
 * (Invoke, RunTask) are served by this project's own Node code.
 */

export interface FidelityPatch {
  /** Short and stable: it names the patch in logs and tests. */
  readonly name: string;
  /** The AWS behaviour it restores, as documented, with a link. */
  readonly restores: string;
  applies(call: AwsCall): boolean;
  /** Answer the call; `moto` forwards a call (this one or another) to moto's server. */
  handle(call: AwsCall, moto: (call: AwsCall) => Promise<AwsReply>): Promise<AwsReply>;
}

export interface LocalAwsOptions {
  /** moto's server, e.g. http://127.0.0.1:5000. */
  readonly motoUrl: string;
  readonly patches: readonly FidelityPatch[];
  /** @default a free port on 127.0.0.1 */
  readonly port?: number;
  /** Called once per call, after it is answered, with the patches that handled it. @default none */
  readonly onCall?: (call: AwsCall, reply: AwsReply, patches: string[]) => void;
}

export interface LocalAws {
  /** The one endpoint the stacks and tools are given (SWITCHYARD_AWS_ENDPOINT). */
  readonly endpoint: string;
  readonly server: Server;
  close(): Promise<void>;
}

// Headers that describe one hop, not the call; the body may have changed length.
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/** Sends a call to moto's server as it came, and reads the whole answer. */
export function forwardTo(motoUrl: string): (call: AwsCall) => Promise<AwsReply> {
  const target = new URL(motoUrl);
  return (call) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(call.headers)) if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = value;
      headers['content-length'] = String(call.body.length);
      const outgoing = request(
        { hostname: target.hostname, port: target.port, method: call.method, path: call.url, headers },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const replyHeaders: Record<string, string> = {};
            for (const [name, value] of Object.entries(incoming.headers))
              if (value !== undefined && !HOP_HEADERS.has(name)) replyHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
            resolve({ status: incoming.statusCode ?? 502, headers: replyHeaders, body: Buffer.concat(chunks) });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(call.body);
    });
}

export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const moto = forwardTo(options.motoUrl);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call = describeCall(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks));
      // Every patch that applies handles the call in turn, the first outermost; the last forwards to moto.
      const applying = options.patches.filter((p) => p.applies(call));
      const chain = applying.reduceRight<(call: AwsCall) => Promise<AwsReply>>((next, patch) => (c) => patch.handle(c, next), moto);
      const names = applying.map((p) => p.name);
      chain(call)
        .catch((err: Error) => jsonError(500, 'ServiceException', `local AWS (${names.join(', ') || 'moto'}): ${err.message}`))
        .then((reply) => {
          res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.length) });
          res.end(reply.body);
          options.onCall?.(call, reply, names);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
