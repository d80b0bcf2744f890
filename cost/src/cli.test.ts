/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inChromium } from '../test/support/chromium';
import type { CostReport } from './report';

const CLI = join(__dirname, 'cli.ts');
/** Kept after the run, git-ignored: the chart as Chromium drew it. */
const ARTIFACTS = join(__dirname, '..', 'artifacts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cost(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: join(__dirname, '..'), env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-cost-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pnpm cost', () => {
  test('prices three traffic levels for prod, with the fixed costs apart, the break-even and the flip to run', async () => {
    const run = await cost(['prod', '--rps', '1,10,100', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as CostReport;
    expect(report.environment).toBe('prod');
    expect(report.levels.map((level) => level.requestsPerSecond)).toEqual([1, 10, 100]);
    for (const level of report.levels) {
      expect(Object.keys(level.splits)).toEqual(['lambda', '90/10', '50/50', 'fargate']);
      // prod has a NAT gateway: it is a fixed cost, the same for every split.
      expect(level.splits.lambda.fixed.natHours).toBeCloseTo(730 * 0.045, 6);
      expect(level.splits.fargate.fixed).toEqual(level.splits.lambda.fixed);
      expect(level.recommendation).toMatch(new RegExp(`pnpm flip prod ${level.cheaper}$`));
    }
    expect(report.fargate.taskAbsorbs.boundBy).toBe('requests');
    expect(report.fargate.taskAbsorbs.requestsPerSecond).toBeCloseTo(1000 / 60, 9);
    expect(report.lambda.source).toMatch(/measured by pnpm bench .* bench\/results\/latest\.json/);
  });

  test('prints a table a person reads, and takes its inputs from a workload file', async () => {
    const workload = join(dir, 'workload.json');
    writeFileSync(
      workload,
      JSON.stringify({ environment: 'dev', requestsPerSecond: [5], billedMsPerRequest: 20, requestsPerVcpuSecond: 2000 }),
    );
    const run = await cost(['--workload', workload, '--peak', '3']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('| req/s | req/month | Lambda | 90/10 | 50/50 | Fargate | tasks at peak | cheaper |');
    expect(run.stdout).toMatch(/^\| 5\.0 \| 13\.1 M \|/m);
    expect(run.stdout).toContain('20 ms billed a request (given)');
    expect(run.stdout).toMatch(
      /Fixed, whichever compute serves: ALB \$16\.43, public IPv4 addresses \(the ALB's\) \$7\.30 = \$23\.73 a month\./,
    );
    expect(run.stdout).toMatch(
      /At 5\.0 req\/s: (Lambda|Fargate) is cheaper by \$[\d.]+ a month: pnpm flip dev (lambda|fargate)\. A canary costs \$[\d.]+ an hour at 90\/10/,
    );
  });

  test.each([
    [['--memory', '64'], '--memory (lambdaMemoryMb) must be >= 128; got 64'],
    [['--rps', '0'], '--rps (requestsPerSecond) (item 1) must be > 0; got 0'],
    [['--rps', '10,-3'], '--rps (requestsPerSecond) (item 2) must be > 0; got -3'],
    [['--rps', 'lots'], '--rps (requestsPerSecond) (item 1) must be number; got "lots"'],
    [['--region', 'mars-north-1'], 'region "mars-north-1" has no prices here'],
    [['--arch', 'sparc'], '--arch (architecture) must be x86_64 or arm64; got "sparc"'],
    [['staging'], 'environment "staging" is not one of dev, prod'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--workload', '/nonexistent/workload.json'], 'cannot read the workload file /nonexistent/workload.json: ENOENT'],
  ])('%j is refused with a clear message and exit code 2', async (args, message) => {
    const run = await cost(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`cost: ${message}`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('--help lists every flag', async () => {
    const run = await cost(['--help']);
    expect(run.code).toBe(0);
    for (const flag of [
      '--rps',
      '--peak',
      '--from-stack',
      '--memory',
      '--duration-ms',
      '--arch',
      '--region',
      '--target-cpu',
      '--spot',
      '--json',
      '--chart',
    ])
      expect(run.stdout).toContain(flag);
  });

  test('--from-stack without AWS credentials stops before doing anything, naming what to set', async () => {
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    const run = await cost(['dev', '--from-stack'], { ...env, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'us-east-1' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cost: no AWS credentials: set AWS_PROFILE');
    expect(run.stderr).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  });

  test('draws the chart with Vega, and Chromium renders it: a line per compute and architecture, and the break-even marked', async () => {
    const svgPath = join(dir, 'chart.svg');
    const run = await cost(['prod', '--chart', svgPath]);
    expect(run.code).toBe(0);
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    // docs/cost.md shows this chart; it must be the one the committed figures draw.
    expect(readFileSync(join(__dirname, '..', '..', 'docs', 'when-to-flip.svg'), 'utf8')).toBe(svg);

    await inChromium(svg, async (page) => {
      const drawn = await page.evaluate(() => {
        const root = document.querySelector('svg')!;
        const box = root.getBoundingClientRect();
        const texts = [...root.querySelectorAll('text')].map((t) => t.textContent ?? '');
        const lines = [...root.querySelectorAll('path')].filter(
          (p) => p.closest('.role-mark') && (p.getAttribute('d') ?? '').length > 200,
        ).length;
        return { width: box.width, height: box.height, texts, lines };
      });
      expect(drawn.width).toBeGreaterThan(600);
      expect(drawn.height).toBeGreaterThan(300);
      for (const series of ['Lambda x86_64', 'Fargate x86_64', 'Lambda arm64', 'Fargate arm64']) expect(drawn.texts).toContain(series);
      expect(drawn.texts.some((text) => text.startsWith('break-even'))).toBe(true);
      expect(drawn.lines).toBeGreaterThanOrEqual(4);
      mkdirSync(ARTIFACTS, { recursive: true });
      const png = join(ARTIFACTS, 'cost-chart.png');
      await page.locator('svg').first().screenshot({ path: png });
      expect(existsSync(png)).toBe(true);
      // A blank render is a few hundred bytes of one colour.
      expect(readFileSync(png).length).toBeGreaterThan(10_000);
    });
  });
});
