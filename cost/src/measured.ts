import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The bench's last full results, committed with the project: what one request costs this service. */
export const BENCH_RESULTS = join(__dirname, '..', '..', 'bench', 'results', 'latest.json');

const HANDLER_ROW = 'Lambda: switchyard handler, ALB event';
// As an ALB sends requests to a target: kept-alive connections, one request at a time on each.
const SERVER_CPU_ROW = 'HTTP, no pipelining: switchyard (logging on), server CPU per request';

/**
 * Lambda gives a function CPU in proportion to its memory: 1,769 MB is one full vCPU
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). Below that, the same
 * work takes proportionally longer.
 */
export const LAMBDA_MB_PER_VCPU = 1769;

export interface MeasuredCosts {
  /** CPU milliseconds the Lambda handler spends on one request, on one full core. */
  readonly lambdaCpuMsPerRequest: number;
  /** Requests one vCPU serves each second at 100% CPU, from the server's CPU time per request. */
  readonly requestsPerVcpuSecond: number;
  readonly measuredAt: string;
  readonly source: string;
}

interface BenchFile {
  suites: { suite: string; measuredAt: string; rows: { metric: string; value: number; unit: string }[] }[];
}

export function readMeasuredCosts(path = BENCH_RESULTS): MeasuredCosts {
  let results: BenchFile;
  try {
    results = JSON.parse(readFileSync(path, 'utf8')) as BenchFile;
  } catch (error) {
    throw new Error(
      `cannot read the bench results at ${path} (${(error as Error).message}); run pnpm bench, or pass --duration-ms and --rps-per-vcpu`,
      {
        cause: error,
      },
    );
  }
  const row = (metric: string) => {
    for (const suite of results.suites ?? []) {
      const found = suite.rows.find((r) => r.metric === metric);
      if (found && Number.isFinite(found.value) && found.value > 0) return { value: found.value, measuredAt: suite.measuredAt };
    }
    throw new Error(`the bench results at ${path} have no "${metric}" row; run pnpm bench --only http,lambda`);
  };
  const handler = row(HANDLER_ROW);
  const server = row(SERVER_CPU_ROW);
  return {
    lambdaCpuMsPerRequest: 1000 / handler.value,
    requestsPerVcpuSecond: 1e6 / server.value,
    measuredAt: [handler.measuredAt, server.measuredAt].sort()[0]!,
    source: relative(join(__dirname, '..', '..'), path) || path,
  };
}

/** Lambda bills each request's duration rounded up to the next millisecond. */
export function billedMs(cpuMsOnOneCore: number, memoryMb: number): number {
  return Math.max(1, Math.ceil(cpuMsOnOneCore * Math.max(1, LAMBDA_MB_PER_VCPU / memoryMb) - 1e-9));
}
