import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { toLambdaEvent } from '@switchyard/lambda-local/events';
import { IMAGE_NODE_VERSION, nodeBinary, nodeVersion } from './node-binaries';
import { API_DIST, CACHE, PRIME_SCRIPT } from './paths';
import { COLD_START_ADDED_MS, COLD_START_RATIO_IN_PROCESS } from './goals';
import { measured, pairedRatios, type Row } from './stats';

// Loads the handler and answers one event, as the first invocation of a fresh execution environment
// does, and says when it answered, from the process's own start (performance.now() counts from it).
const COLD_START = `
const { handler } = require(process.argv[1]);
const context = { awsRequestId: 'cold', functionName: 'bench', getRemainingTimeInMillis: () => 3000 };
handler(JSON.parse(process.argv[2]), context).then((result) => {
  if (result.statusCode !== 200) process.exit(3);
  process.stdout.write('\\nanswered ' + performance.now() + '\\n');
});
`;

// The same, with each phase timed from the process's own start (performance.now() counts from it):
// Node's start to the first line of the script, evaluating the bundle (the app built, its plugins
// registered), the app's ready() (what the first invocation waits for; an event the handler refuses
// at once after it, null, which takes no checking, measures that alone), then the first real request.
const PHASED_COLD_START = `
const started = performance.now();
const { handler } = require(process.argv[1]);
const evaluated = performance.now();
const context = { awsRequestId: 'cold', functionName: 'bench', getRemainingTimeInMillis: () => 3000 };
handler(null, context).then((refused) => {
  const ready = performance.now();
  return handler(JSON.parse(process.argv[2]), context).then((result) => {
    if (refused.statusCode !== 400 || result.statusCode !== 200) process.exit(3);
    const answered = performance.now();
    process.stdout.write('\\nphases ' + JSON.stringify({ node: started, evaluation: evaluated - started, ready: ready - evaluated, firstRequest: answered - ready }) + '\\n');
  });
});
`;
const PHASES = ['node', 'evaluation', 'ready', 'firstRequest'] as const;
const PHASE_NAMES: Record<(typeof PHASES)[number], string> = {
  node: "Node's start, to the script's first line",
  evaluation: 'bundle evaluation (the app built)',
  ready: "the app's ready()",
  firstRequest: 'the first request',
};

function timePhases(node: string, handlerFile: string, event: string, compileCache?: string): Record<(typeof PHASES)[number], number> {
  const env = { ...process.env, LOG_LEVEL: 'info', ...(compileCache ? { NODE_COMPILE_CACHE: compileCache } : {}) };
  // The app logs its requests to stdout too; the phases are on their own line.
  const output = execFileSync(node, ['-e', PHASED_COLD_START, handlerFile, event], { env, encoding: 'utf8' });
  const line = output.split('\n').find((l) => l.startsWith('phases '));
  if (!line) throw new Error(`the phased cold start printed no phases: ${output}`);
  return JSON.parse(line.slice('phases '.length)) as Record<(typeof PHASES)[number], number>;
}

interface ColdStart {
  /** From spawning the process to its exit. */
  spawnToExitMs: number;
  /** From the process's own start to the first answer. */
  fromProcessStartMs: number;
}

function timeColdStart(node: string, handlerFile: string, event: string, compileCache?: string): Promise<ColdStart> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const env = { ...process.env, LOG_LEVEL: 'info', ...(compileCache ? { NODE_COMPILE_CACHE: compileCache } : {}) };
    const child = spawn(node, ['-e', COLD_START, handlerFile, event], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const spawnToExitMs = Number(process.hrtime.bigint() - started) / 1e6;
      const answered = /^answered (\S+)$/m.exec(output);
      if (code !== 0 || !answered) reject(new Error(`${handlerFile} on ${node} exited ${code} without answering`));
      else resolve({ spawnToExitMs, fromProcessStartMs: Number(answered[1]) });
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
  // With the checker the app loads for an event its plain check cannot vouch for, as the image has it.
  for (const file of ['lambda.js', 'lambda-app.js', 'typebox-checker.js']) copyFileSync(join(API_DIST, file), join(shippedDir, file));
  const imageNode = nodeBinary(IMAGE_NODE_VERSION);
  execFileSync(imageNode, [PRIME_SCRIPT, 'code-cache', join(shippedDir, 'lambda.js')], { env: { ...process.env, LOG_LEVEL: 'silent' } });
  const shipped = join(shippedDir, 'lambda.js');
  const nodes = [
    { label: `machine's Node ${nodeVersion(process.execPath)}`, binary: process.execPath, bundle, cache: undefined, goal: undefined },
    { label: `image's Node v${IMAGE_NODE_VERSION}, no caches`, binary: imageNode, bundle, cache: undefined, goal: undefined },
    {
      label: `image's Node v${IMAGE_NODE_VERSION}, caches as shipped`,
      binary: imageNode,
      bundle: shipped,
      cache: compileCache,
      goal: COLD_START_RATIO_IN_PROCESS,
    },
  ];
  for (const { label, binary, bundle, cache, goal } of nodes) {
    const oursTimed: ColdStart[] = [];
    const floorTimed: ColdStart[] = [];
    // The first run reads the files from disk (and fills the compile cache where there is one).
    await timeColdStart(binary, bundle, event, cache);
    await timeColdStart(binary, trivial, event, cache);
    for (let round = 0; round < rounds; round++) {
      oursTimed.push(await timeColdStart(binary, bundle, event, cache));
      floorTimed.push(await timeColdStart(binary, trivial, event, cache));
    }
    const ours = oursTimed.map((timed) => timed.spawnToExitMs);
    const floor = floorTimed.map((timed) => timed.spawnToExitMs);
    rows.push(
      { metric: `Cold init, ${label}: bundle`, ...measured(ours), unit: 'ms' },
      { metric: `Cold init, ${label}: trivial handler`, ...measured(floor), unit: 'ms' },
      {
        metric: `Cold init, ${label}: bundle / trivial`,
        ...measured(pairedRatios(ours, floor)),
        unit: '×',
        ...(goal ? { goal: { direction: 'at-most' as const, target: goal } } : {}),
      },
    );
    if (cache) {
      // As Lambda counts a cold start: from the process's start, not from the spawn, to the first
      // answer, not to the exit. What the bundle adds to the floor there is what the goal is about.
      const oursFromStart = oursTimed.map((timed) => timed.fromProcessStartMs);
      const floorFromStart = floorTimed.map((timed) => timed.fromProcessStartMs);
      const added = oursFromStart.map((ms, i) => ms - (floorFromStart[i] as number));
      rows.push(
        {
          metric: `Cold init from process start, ${label}: bundle`,
          ...measured(oursFromStart),
          unit: 'ms',
        },
        {
          metric: `Cold init from process start, ${label}: trivial handler`,
          ...measured(floorFromStart),
          unit: 'ms',
        },
        {
          metric: `Cold init from process start, ${label}: bundle − trivial`,
          ...measured(added),
          unit: 'ms',
          goal: { direction: 'at-most', target: COLD_START_ADDED_MS },
        },
      );
    }
  }
  // Where the shipped bundle's milliseconds go, on the image's Node with its caches.
  const phases = Object.fromEntries(PHASES.map((phase) => [phase, [] as number[]])) as Record<(typeof PHASES)[number], number[]>;
  timePhases(imageNode, shipped, event, compileCache);
  for (let round = 0; round < rounds; round++) {
    const timed = timePhases(imageNode, shipped, event, compileCache);
    for (const phase of PHASES) phases[phase].push(timed[phase]);
  }
  for (const phase of PHASES)
    rows.push({
      metric: `Cold init phases, image's Node, caches as shipped: ${PHASE_NAMES[phase]}`,
      ...measured(phases[phase]),
      unit: 'ms',
    });
  rows.push({
    metric: 'Lambda bundle size (lambda-app.js)',
    value: statSync(join(API_DIST, 'lambda-app.js')).size / 1024 / 1024,
    unit: 'MB',
    goal: { direction: 'at-most', target: 1 },
  });
  return rows;
}
