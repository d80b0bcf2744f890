import { send } from '@switchyard/lambda-local/http-client';
import { connect } from 'node:net';
import { join } from 'node:path';
import { API_DIST } from '../paths';
import { startServerProcess } from '../processes';
import type { DrillResult } from './result';

interface Attack {
  name: string;
  expected: { status: number; code: string };
  /** Resolves with the status and the error code of the JSON body the server answered. */
  attempt(baseUrl: string): Promise<{ status: number; code?: string }>;
}

const errorCode = (body: Buffer | string) => {
  try {
    return (JSON.parse(body.toString()) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
};

function overHttp(name: string, request: Parameters<typeof send>[1], status: number, code: string): Attack {
  return {
    name,
    expected: { status, code },
    attempt: async (baseUrl) => {
      const response = await send(baseUrl, request);
      return { status: response.statusCode, code: errorCode(response.body) };
    },
  };
}

/** For what no well-behaved HTTP client will send: written on a raw socket. */
function overSocket(name: string, raw: string, status: number, code: string): Attack {
  return {
    name,
    expected: { status, code },
    attempt: (baseUrl) =>
      new Promise((resolve, reject) => {
        const { port } = new URL(baseUrl);
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
        let received = '';
        socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
        socket.on('error', reject);
        socket.on('close', () => {
          const [head = '', body = ''] = received.split('\r\n\r\n');
          resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), code: errorCode(body) });
        });
      }),
  };
}

const json = { 'content-type': 'application/json' };
const ATTACKS: Attack[] = [
  overHttp('malformed JSON', { method: 'POST', path: '/users', headers: json, body: '{"email":' }, 400, 'INVALID_JSON'),
  overHttp(
    'wrong content type',
    { method: 'POST', path: '/users', headers: { 'content-type': 'application/xml' }, body: '<a/>' },
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ),
  overHttp(
    'body over the limit',
    { method: 'POST', path: '/users', headers: json, body: `{"email":"${'a'.repeat(600 * 1024)}"}` },
    413,
    'PAYLOAD_TOO_LARGE',
  ),
  overSocket('a 20 KB URL', `GET /hello?name=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: drill\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'),
  overSocket(
    '300 headers',
    `GET /health HTTP/1.1\r\nHost: drill\r\n${Array.from({ length: 300 }, (_, i) => `x-h${i}: ${'v'.repeat(60)}\r\n`).join('')}\r\n`,
    431,
    'HEADERS_TOO_LARGE',
  ),
  overSocket('not HTTP at all', 'HELLO\r\n\r\n', 400, 'MALFORMED_REQUEST'),
];

/** Each bad input many times, interleaved with good requests: the documented 4xx JSON errors, and the server serves on. */
export async function badInputDrill(repeats = 50): Promise<DrillResult> {
  const server = await startServerProcess('switchyard', join(API_DIST, 'server.js'), { LOG_LEVEL: 'info' });
  try {
    const failures: string[] = [];
    const figures: string[] = [];
    for (const attack of ATTACKS) {
      const outcomes = await Promise.all(
        Array.from({ length: repeats }, async () => {
          const [bad, good] = await Promise.all([
            attack.attempt(server.url).catch((err: Error) => ({ status: 0, code: err.message })),
            send(server.url, { method: 'GET', path: '/hello', query: 'name=ok' }).then(
              (r) => r.statusCode,
              (err: Error) => err.message,
            ),
          ]);
          return { bad, good };
        }),
      );
      const wrong = outcomes.filter(({ bad }) => bad.status !== attack.expected.status || bad.code !== attack.expected.code);
      const goodFailed = outcomes.filter(({ good }) => good !== 200).length;
      figures.push(
        `${attack.name}: ${repeats - wrong.length}/${repeats} answered ${attack.expected.status} ${attack.expected.code}; good requests beside it ${repeats - goodFailed}/${repeats} 200`,
      );
      if (wrong.length) failures.push(`${attack.name}: ${wrong.length} answered otherwise, e.g. ${JSON.stringify(wrong[0]?.bad)}`);
      if (goodFailed) failures.push(`${attack.name}: ${goodFailed} good requests beside it failed`);
    }
    const health = await send(server.url, { method: 'GET', path: '/health' }).then(
      (r) => r.statusCode,
      (err: Error) => err.message,
    );
    figures.push(
      `afterwards: /health ${health}, process ${server.child.exitCode === null ? 'running' : `exited ${server.child.exitCode}`}`,
    );
    if (health !== 200) failures.push(`the server no longer serves: ${health}`);
    return { name: 'HTTP bad input', failures, figures };
  } finally {
    await server.stop();
  }
}
