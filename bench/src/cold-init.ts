import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { toLambdaEvent } from '@switchyard/lambda-local/events';
import { IMAGE_NODE_VERSION, nodeBinary, nodeVersion } from './node-binaries';
import { API_DIST, PEERS } from './paths';
import { median, pairedRatios, type Row } from './stats';

// Loads the handler and answers one event, as the first invocation of a fresh execution environment does.
const COLD_START = `
const { handler } = require(process.argv[1]);
const context = { awsRequestId: 'cold', functionName: 'bench', getRemainingTimeInMillis: () => 3000 };
handler(JSON.parse(process.argv[2]), context).then((result) => { if (result.statusCode !== 200) process.exit(3); });
`;

function timeColdStart(node: string, handlerFile: string, event: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node, ['-e', COLD_START, handlerFile, event], { env: { ...process.env, LOG_LEVEL: 'info' }, stdio: 'ignore' });
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
  const trivial = join(PEERS, 'trivial-handler.js');
  const rows: Row[] = [];
  const nodes = [
    { label: `machine's Node ${nodeVersion(process.execPath)}`, binary: process.execPath, goal: undefined },
    { label: `image's Node v${IMAGE_NODE_VERSION}`, binary: nodeBinary(IMAGE_NODE_VERSION), goal: 1.6 },
  ];
  for (const { label, binary, goal } of nodes) {
    const ours: number[] = [];
    const floor: number[] = [];
    await timeColdStart(binary, bundle, event); // first read of the files from disk
    for (let round = 0; round < rounds; round++) {
      ours.push(await timeColdStart(binary, bundle, event));
      floor.push(await timeColdStart(binary, trivial, event));
    }
    rows.push(
      { metric: `Cold init, ${label}: bundle`, value: median(ours), unit: 'ms', note: `median of ${rounds}` },
      { metric: `Cold init, ${label}: trivial handler`, value: median(floor), unit: 'ms' },
      {
        metric: `Cold init, ${label}: bundle / trivial`,
        value: median(pairedRatios(ours, floor)),
        unit: '×',
        ...(goal ? { goal: { direction: 'at-most' as const, target: goal } } : {}),
      },
    );
  }
  rows.push({
    metric: 'Lambda bundle size',
    value: statSync(bundle).size / 1024 / 1024,
    unit: 'MB',
    goal: { direction: 'at-most', target: 1 },
  });
  return rows;
}
