import { markdownTable, median, pairedRatios, spreadNote, type Row } from '@switchyard/bench/stats';
import { toLambdaEvent } from '@switchyard/lambda-local/events';
import { readLambdaResult } from '@switchyard/lambda-local/results';
import { startRuntimeApi } from '@switchyard/lambda-local/runtime-api';
import { startFargateMode, startLambdaMode } from './support/modes';
import { eventually, imageUnderTest, podman, READ_ONLY, type Container } from './support/podman';

/*
 * Cold starts as Lambda runs the image: `podman run` of the Lambda entrypoint as a user other than
 * the image's (Lambda runs an image as a least-privileged user of its own, never its USER), on a
 * read-only root with /tmp writable, to the first response through the Runtime API. Beside it, the
 * floor: a trivial handler under the same runtime client, and the bundle with the compile cache
 * turned off, to show what the cache is worth. The figures are printed, never asserted: a test
 * must not depend on the machine's speed. The behaviour they rest on is asserted.
 * https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#images-reqs
 */

/** Not the image's 1000: the uid Lambda's sandbox user has is not documented, only that it differs. */
const LAMBDA_USER = '993:993';
const PAIRS = Number(process.env.SWITCHYARD_COLD_START_PAIRS ?? 9);
const TRIVIAL_HANDLER = require.resolve('@switchyard/lambda-local/trivial-handler');

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
  statusCode: number;
  logs: string;
}

async function coldStart(variant: Variant, extraEnv: string[] = []): Promise<ColdStart> {
  const runtimeApi = await startRuntimeApi({ functionName: 'cold-start' });
  let container: Container | undefined;
  try {
    const { command, options } = VARIANTS[variant];
    const started = performance.now();
    container = await startLambdaMode(runtimeApi, command, ['--user', LAMBDA_USER, ...options, ...extraEnv]);
    const result = readLambdaResult(await runtimeApi.invoke(toLambdaEvent('alb', { method: 'GET', path: '/hello' }), 30_000));
    const totalMs = performance.now() - started;
    return {
      totalMs,
      toFirstPollMs: (runtimeApi.firstPollAt ?? Number.NaN) - started,
      statusCode: result.statusCode,
      logs: await container.logs(),
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
        samples[variant].push(sample);
      }
    }
    const total = (variant: Variant) => samples[variant].map((s) => s.totalMs);
    const toPoll = (variant: Variant) => samples[variant].map((s) => s.toFirstPollMs);
    const rows: Row[] = [
      ...order.flatMap((variant) => [
        {
          metric: `podman run → first response: ${variant}`,
          value: median(total(variant)),
          unit: 'ms',
          note: spreadNote(total(variant), 'ms'),
        },
        {
          metric: `podman run → first poll: ${variant}`,
          value: median(toPoll(variant)),
          unit: 'ms',
          note: spreadNote(toPoll(variant), 'ms'),
        },
      ]),
      {
        metric: 'cold start through the runtime client: bundle / trivial handler',
        value: median(pairedRatios(total('bundle'), total('trivial handler'))),
        unit: '×',
        goal: { direction: 'at-most', target: 1.6 },
        note: spreadNote(pairedRatios(total('bundle'), total('trivial handler')), '×'),
      },
      {
        metric: 'compile cache off / on',
        value: median(pairedRatios(total('bundle, compile cache off'), total('bundle'))),
        unit: '×',
        note: spreadNote(pairedRatios(total('bundle, compile cache off'), total('bundle')), '×'),
      },
    ];
    process.stdout.write(`\ncold starts as uid ${LAMBDA_USER}, read-only root, /tmp writable:\n${markdownTable(rows)}\n`);
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
      { metric: 'podman run → /ready: compile cache on', value: median(cached), unit: 'ms', note: spreadNote(cached, 'ms') },
      { metric: 'podman run → /ready: compile cache off', value: median(uncached), unit: 'ms', note: spreadNote(uncached, 'ms') },
      {
        metric: 'compile cache off / on',
        value: median(pairedRatios(uncached, cached)),
        unit: '×',
        note: spreadNote(pairedRatios(uncached, cached), '×'),
      },
    ];
    expect(cached).toHaveLength(PAIRS);
    process.stdout.write(`\nFargate starts as uid 1000, read-only root:\n${markdownTable(rows)}\n`);
  }, 600_000);
});
