import { measureLoad, type LoadJob } from './load';

/*
 * The load generator in a process of its own, on a CPU of its own (cpu-pinning.ts):
 * `node --import tsx load-worker.ts '<LoadJob as JSON>'` prints one LoadResult as JSON.
 */
measureLoad(JSON.parse(process.argv[2] ?? '') as LoadJob).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (err: unknown) => {
    console.error((err as Error).stack ?? err);
    process.exit(1);
  },
);
