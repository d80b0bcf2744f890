import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { toLambdaEvent } from '@switchyard/lambda-local/events';
import { IMAGE_NODE_VERSION, nodeBinary, nodeVersion } from './node-binaries';
import { API_DIST, CACHE, PRIME_SCRIPT } from './paths';
import { median, pairedRatios, spreadNote, type Row } from './stats';

// Loads the handler and answers one event, as the first invocation of a fresh execution environment does.
const COLD_START = `
const { handler } = require(process.argv[1]);
const context = { awsRequestId: 'cold', functionName: 'bench', getRemainingTimeInMillis: () => 3000 };
handler(JSON.parse(process.argv[2]), context).then((result) => { if (result.statusCode !== 200) process.exit(3); });
`;

function timeColdStart(node: string, handlerFile: string, event: string, compileCache?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const env = { ...process.env, LOG_LEVEL: 'info', ...(compileCache ? { NODE_COMPILE_CACHE: compileCache } : {}) };
    const child = spawn(node, ['-e', COLD_START, handlerFile, event], { env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${handlerFile} on ${node} exited ${code}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

/** Fresh process to first answer: the bundle against a handler that loads nothing, on two Nodes. */
export async function measureColdInit(rounds: number): Promise<Row[]> {
  const event = JSON.stringify(toLambdaEvent('alb', { method: 'GET', path: '/hello', query: 'name=cold' }));
  const bundle = join(API_DIST, 'lambda.js');
  const trivial = require.resolve('@switchyard/lambda-local/trivial-handler');
  const rows: Row[] = [];
  // As in the image: a compile cache filled by one invocation, and V8's code cache of the app made
  // after one request (docker/prime-compile-cache.cjs), on a copy of the bundles so dist stays as built.
  const compileCache = join(CACHE, 'compile-cache');
  const shippedDir = join(CACHE, 'shipped');
  rmSync(compileCache, { recursive: true, force: true });
  rmSync(shippedDir, { recursive: true, force: true });
  mkdirSync(shippedDir, { recursive: true });
  for (const file of ['lambda.js', 'lambda-app.js']) copyFileSync(join(API_DIST, file), join(shippedDir, file));
  const imageNode = nodeBinary(IMAGE_NODE_VERSION);
  execFileSync(imageNode, [PRIME_SCRIPT, 'code-cache', join(shippedDir, 'lambda.js')], { env: { ...process.env, LOG_LEVEL: 'silent' } });
  const shipped = join(shippedDir, 'lambda.js');
  const nodes = [
    { label: `machine's Node ${nodeVersion(process.execPath)}`, binary: process.execPath, bundle, cache: undefined, goal: undefined },
    { label: `image's Node v${IMAGE_NODE_VERSION}, no caches`, binary: imageNode, bundle, cache: undefined, goal: undefined },
    { label: `image's Node v${IMAGE_NODE_VERSION}, caches as shipped`, binary: imageNode, bundle: shipped, cache: compileCache, goal: 2 },
  ];
  for (const { label, binary, bundle, cache, goal } of nodes) {
    const ours: number[] = [];
    const floor: number[] = [];
    // The first run reads the files from disk (and fills the compile cache where there is one).
    await timeColdStart(binary, bundle, event, cache);
    await timeColdStart(binary, trivial, event, cache);
    for (let round = 0; round < rounds; round++) {
      ours.push(await timeColdStart(binary, bundle, event, cache));
      floor.push(await timeColdStart(binary, trivial, event, cache));
    }
    rows.push(
      { metric: `Cold init, ${label}: bundle`, value: median(ours), unit: 'ms', note: spreadNote(ours, 'ms') },
      { metric: `Cold init, ${label}: trivial handler`, value: median(floor), unit: 'ms', note: spreadNote(floor, 'ms') },
      {
        metric: `Cold init, ${label}: bundle / trivial`,
        value: median(pairedRatios(ours, floor)),
        unit: '×',
        ...(goal ? { goal: { direction: 'at-most' as const, target: goal } } : {}),
        note: spreadNote(pairedRatios(ours, floor), '×'),
      },
    );
  }
  rows.push({
    metric: 'Lambda bundle size (lambda-app.js)',
    value: statSync(join(API_DIST, 'lambda-app.js')).size / 1024 / 1024,
    unit: 'MB',
    goal: { direction: 'at-most', target: 1 },
  });
  return rows;
}
