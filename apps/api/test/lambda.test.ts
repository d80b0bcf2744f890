import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST } from './support/processes';

/*
 * dist/lambda.js runs the app with V8's code cache when one lies beside it. Each case is a fresh
 * process, as a cold start is, on a copy of the built bundles.
 */
const EVENT = { httpMethod: 'GET', path: '/hello', headers: {}, requestContext: { elb: {} }, body: '', isBase64Encoded: false };

function coldStart(dir: string, then = ''): { codeCache: string; statusCode: number } {
  const script = `
    const loader = require(${JSON.stringify(join(dir, 'lambda.js'))});
    loader.handler(${JSON.stringify(EVENT)}, { awsRequestId: 'loader-test' }).then((result) => {
      ${then}
      console.log(JSON.stringify({ codeCache: loader.codeCache, statusCode: result.statusCode }));
    });`;
  const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, LOG_LEVEL: 'silent' }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as { codeCache: string; statusCode: number };
}

describe('the Lambda loader', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-loader-'));
    for (const file of ['lambda.js', 'lambda-app.js']) copyFileSync(join(DIST, file), join(dir, file));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('answers without a code cache', () => {
    expect(coldStart(dir)).toEqual({ codeCache: 'absent', statusCode: 200 });
  });

  test('writes a code cache after a request, and the next cold start uses it', () => {
    expect(coldStart(dir, 'loader.writeCodeCache();')).toEqual({ codeCache: 'absent', statusCode: 200 });
    expect(coldStart(dir)).toEqual({ codeCache: 'accepted', statusCode: 200 });
  });

  test('a cache that does not match is ignored, and the app still answers', () => {
    writeFileSync(join(dir, 'lambda-app.js.cache'), 'not a V8 code cache');
    expect(coldStart(dir)).toEqual({ codeCache: 'rejected', statusCode: 200 });
  });
});
