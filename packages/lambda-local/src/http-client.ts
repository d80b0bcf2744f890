import { request as httpRequest } from 'node:http';
import type { HttpRequest } from './events';
import type { HttpResponse } from './results';

/**
 * Sends exactly the request described (node:http, not fetch, so the path and query go on the wire
 * byte for byte) and reads the whole response.
 */
export function send(baseUrl: string, req: HttpRequest, agent: false | import('node:http').Agent = false): Promise<HttpResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.query === undefined ? req.path : `${req.path}?${req.query}`,
        headers: req.headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            statusCode: res.statusCode ?? 0,
            headers: res.headersDistinct as Record<string, string[]>,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}
