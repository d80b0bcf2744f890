import { join } from 'node:path';
import { recordContainerColdStarts } from '@switchyard/bench/container-cold-start';
import { COLD_START_ADDED_MS, COLD_START_RATIO_FROM_PODMAN_RUN } from '@switchyard/bench/goals';
import { markdownTable, measured, pairedRatios, type Row } from '@switchyard/bench/stats';
import { toLambdaEvent } from '@switchyard/lambda-local/events';
import { readLambdaResult } from '@switchyard/lambda-local/results';
import { startRuntimeApi } from '@switchyard/lambda-local/runtime-api';
import { startFargateMode, startLambdaMode } from './support/modes';
import { eventually, imageUnderTest, podman, READ_ONLY, type Container } from './support/podman';

/*
 * Cold starts as Lambda runs the image: `podman run` of the Lambda entrypoint as a user other than
 * the image's (Lambda runs an image as a least-privileged user of its own, never its USER), on a
 * read-only root with /tmp writable, to the first response through the Runtime API. Each is timed
 * from two origins: `podman run`, which includes the container runtime's own start, and the start
 * of the runtime client's Node process, which is what a Lambda cold start adds to the sandbox's.
 * Beside it, the floor: a trivial handler under the same runtime client, and the bundle with the
 * compile cache turned off, to show what the cache is worth. The figures are printed, never
 * asserted: a test must not depend on the machine's speed. The behaviour they rest on is asserted.
 * https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#images-reqs
 */

/** Not the image's 1000: the uid Lambda's sandbox user has is not documented, only that it differs. */
const LAMBDA_USER = '993:993';
const PAIRS = Number(process.env.SWITCHYARD_COLD_START_PAIRS ?? 9);
const TRIVIAL_HANDLER = require.resolve('@switchyard/lambda-local/trivial-handler');
/** Reports when the runtime client's Node process began (support/process-start.cjs). */
const PROCESS_START_PROBE = ['--volume', `${join(__dirname, 'support', 'process-start.cjs')}:/opt/process-start.cjs:ro`];
const PROCESS_START_ENV = ['--env', 'NODE_OPTIONS=--require=/opt/process-start.cjs'];

const VARIANTS = {
  bundle: { command: ['dist/lambda.handler'], options: [] as string[] },
  'bundle, compile cache off': { command: ['dist/lambda.handler'], options: ['--env', 'NODE_DISABLE_COMPILE_CACHE=1'] },
  'trivial handler': { command: ['dist/trivial.handler'], options: ['--volume', `${TRIVIAL_HANDLER}:/app/dist/trivial.js:ro`] },
};
type Variant = keyof typeof VARIANTS;

interface ColdStart {
  /** From `podman run` to the first response. */
  totalMs: number;
  /** From `podman run` to the runtime's first poll: Node, the runtime client and the handler module loaded. */
  toFirstPollMs: number;
  /** From the start of the runtime client's Node process to the first response. */
  fromProcessStartMs: number;
  statusCode: number;
  logs: string;
}

/** Unix time in milliseconds, to the microsecond: the clock the container's process-start probe reads too. */
const unixNow = () => performance.timeOrigin + performance.now();

function processStartIn(logs: string): number {
  const reported = /^process-start (\d+(?:\.\d+)?)$/m.exec(logs);
  if (!reported) throw new Error(`the runtime's Node did not report its start:\n${logs}`);
  return Number(reported[1]);
}

async function coldStart(variant: Variant, extraEnv: string[] = []): Promise<ColdStart> {
  const runtimeApi = await startRuntimeApi({ functionName: 'cold-start' });
  let container: Container | undefined;
  try {
    const { command, options } = VARIANTS[variant];
    const started = performance.now();
    container = await startLambdaMode(runtimeApi, command, [
      '--user',
      LAMBDA_USER,
      ...PROCESS_START_PROBE,
      ...PROCESS_START_ENV,
      ...options,
      ...extraEnv,
    ]);
    const result = readLambdaResult(await runtimeApi.invoke(toLambdaEvent('alb', { method: 'GET', path: '/hello' }), 30_000));
    const answeredAt = unixNow();
    const totalMs = performance.now() - started;
    const logs = await container.logs();
    return {
      totalMs,
      toFirstPollMs: (runtimeApi.firstPollAt ?? Number.NaN) - started,
      fromProcessStartMs: answeredAt - processStartIn(logs),
      statusCode: result.statusCode,
      logs,
    };
  } finally {
    await container?.remove();
    await runtimeApi.close();
  }
}

describe('the compile cache built into the image is read by whichever user runs it', () => {
  test(`on Lambda, as uid ${LAMBDA_USER.split(':')[0]} on a read-only root`, async () => {
    // Node writes its compile-cache diagnostics to stderr.
    const { statusCode, logs } = await coldStart('bundle', ['--env', 'NODE_DEBUG_NATIVE=COMPILE_CACHE']);
    expect(statusCode).toBe(200);
    expect(logs).toMatch(/cache for \/app\/dist\/lambda\.js was accepted/);
  });

  test(`on Lambda, V8's code cache of the app is accepted, as uid ${LAMBDA_USER.split(':')[0]}`, async () => {
    const script = "console.log(require('/app/dist/lambda.js').codeCache)";
    const answer = await podman(
      'run',
      '--rm',
      ...READ_ONLY,
      '--user',
      LAMBDA_USER,
      '--network',
      'none',
      '--env',
      'LOG_LEVEL=silent',
      '--entrypoint',
      'node',
      imageUnderTest(),
      '-e',
      script,
    );
    expect(answer).toBe('accepted');
  });

  test('on Fargate, as the image user, for the server bundle', async () => {
    const { container } = await startFargateMode(['--env', 'NODE_DEBUG_NATIVE=COMPILE_CACHE']);
    try {
      await eventually(async () => /cache for \/app\/dist\/server\.js was accepted/.test(await container.logs()), 'a cache hit', container);
    } finally {
      await container.remove();
    }
  });
});

describe(`cold starts as Lambda runs the image (${PAIRS} interleaved rounds)`, () => {
  test('every cold start answers; the figures and the ratio to the floor are printed', async () => {
    const samples: Record<Variant, ColdStart[]> = { bundle: [], 'bundle, compile cache off': [], 'trivial handler': [] };
    const order = Object.keys(VARIANTS) as Variant[];
    // One throwaway round first: the page cache and podman's own first-run costs are not a cold start's.
    for (const variant of order) await coldStart(variant);
    for (let round = 0; round < PAIRS; round++) {
      // Rotate the order each round, so no variant always runs on a machine the previous one warmed.
      for (const variant of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
        const sample = await coldStart(variant);
        expect({ variant, statusCode: sample.statusCode }).toEqual({ variant, statusCode: 200 });
        // The process starts after `podman run` is called and before it answers.
        expect(sample.fromProcessStartMs).toBeGreaterThan(0);
        expect(sample.fromProcessStartMs).toBeLessThan(sample.totalMs);
        samples[variant].push(sample);
      }
    }
    const total = (variant: Variant) => samples[variant].map((s) => s.totalMs);
    const toPoll = (variant: Variant) => samples[variant].map((s) => s.toFirstPollMs);
    const fromStart = (variant: Variant) => samples[variant].map((s) => s.fromProcessStartMs);
    /** The bundle against the floor, round by round: as a ratio and as the milliseconds it adds. */
    const againstFloor = (
      origin: string,
      ours: number[],
      floor: number[],
      goals: { ratio?: Row['goal']; addedMs?: Row['goal'] },
    ): Row[] => {
      const ratios = pairedRatios(ours, floor);
      const extra = ours.map((ms, i) => ms - (floor[i] as number));
      return [
        {
          metric: `from ${origin}: bundle / trivial handler`,
          ...measured(ratios),
          unit: '×',
          ...(goals.ratio ? { goal: goals.ratio } : {}),
        },
        {
          metric: `from ${origin}: bundle − trivial handler`,
          ...measured(extra),
          unit: 'ms',
          ...(goals.addedMs ? { goal: goals.addedMs } : {}),
        },
      ];
    };
    const rows: Row[] = [
      ...order.flatMap((variant) => [
        {
          metric: `podman run → first response: ${variant}`,
          ...measured(total(variant)),
          unit: 'ms',
        },
        {
          metric: `podman run → first poll: ${variant}`,
          ...measured(toPoll(variant)),
          unit: 'ms',
        },
        {
          metric: `Node process start → first response: ${variant}`,
          ...measured(fromStart(variant)),
          unit: 'ms',
        },
      ]),
      ...againstFloor('podman run', total('bundle'), total('trivial handler'), {
        ratio: { direction: 'at-most', target: COLD_START_RATIO_FROM_PODMAN_RUN },
      }),
      // What the bundle adds to a Lambda cold start, from where the runtime's own process begins.
      ...againstFloor('Node process start', fromStart('bundle'), fromStart('trivial handler'), {
        addedMs: { direction: 'at-most', target: COLD_START_ADDED_MS },
      }),
      {
        metric: 'compile cache off / on',
        ...measured(pairedRatios(total('bundle, compile cache off'), total('bundle'))),
        unit: '×',
      },
    ];
    process.stdout.write(`\ncold starts as uid ${LAMBDA_USER}, read-only root, /tmp writable:\n${markdownTable(rows)}\n`);
    // pnpm bench:container keeps them for the README (bench/results/container-cold-start.json).
    const recorded = recordContainerColdStarts(rows);
    if (recorded) process.stdout.write(`written to ${recorded}\n`);
  }, 600_000);
});

describe(`Fargate starts, with and without Node's compile cache (${PAIRS} interleaved rounds)`, () => {
  /** From `podman run` of the task's command, as uid 1000, to the first 200 from /ready (polled every 5 ms). */
  async function fargateStart(options: string[]): Promise<number> {
    const started = performance.now();
    const { container } = await startFargateMode(options, 5);
    const ms = performance.now() - started;
    await container.remove();
    return ms;
  }

  test('every start serves; the figures are printed', async () => {
    const cached: number[] = [];
    const uncached: number[] = [];
    await fargateStart([]);
    for (let round = 0; round < PAIRS; round++) {
      const pair = [() => fargateStart([]), () => fargateStart(['--env', 'NODE_DISABLE_COMPILE_CACHE=1'])] as const;
      const [first, second] = round % 2 ? [pair[1], pair[0]] : [pair[0], pair[1]];
      const a = await first();
      const b = await second();
      cached.push(round % 2 ? b : a);
      uncached.push(round % 2 ? a : b);
    }
    const rows: Row[] = [
      { metric: 'podman run → /ready: compile cache on', ...measured(cached), unit: 'ms' },
      { metric: 'podman run → /ready: compile cache off', ...measured(uncached), unit: 'ms' },
      {
        metric: 'compile cache off / on',
        ...measured(pairedRatios(uncached, cached)),
        unit: '×',
      },
    ];
    expect(cached).toHaveLength(PAIRS);
    process.stdout.write(`\nFargate starts as uid 1000, read-only root:\n${markdownTable(rows)}\n`);
  }, 600_000);
});
