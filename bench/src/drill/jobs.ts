import { startLocalTable, type LocalTable } from '@switchyard/api/local-table';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_DIST } from '../paths';
import { freePort } from '../processes';
import type { DrillResult } from './result';

interface JobView {
  id: string;
  status: string;
  runsOn: string;
  error?: { code: string; message: string };
}

/** The drill's bounds: it gives up, and fails, past these. */
const SUBMIT_TIMEOUT_MS = 60_000;
const FINISH_TIMEOUT_MS = 150_000;

/** Job number i of the drill: mostly short jobs (asynchronous invocations), a fifth long enough for a one-off task. */
function jobRequest(i: number): object {
  const slot = i % 10;
  if (slot <= 5) return { kind: 'work', input: { ms: 1000 + ((i * 137) % 3000) } };
  if (slot <= 7)
    return {
      kind: 'transform-batch',
      input: { transform: 'uppercase', items: Array.from({ length: 1000 + ((i * 911) % 19_000) }, (_, n) => `item ${n}`) },
    };
  if (slot === 8) return { kind: 'work', input: { ms: 1500 + ((i * 53) % 2000) }, declaredMs: 20_000 };
  return { kind: 'transform-batch', input: { transform: 'capitalize', items: ['ada', 'grace', 'edsger'] }, declaredMs: 20_000 };
}

interface JobProcess {
  pid: number;
  kind: 'invocation' | 'task';
  /** The job it runs: a task's last argument, an invocation's payload (in its environment). */
  jobId?: string;
}

/** Processes running jobs for the local runner: asynchronous invocations and one-off tasks. */
function jobProcesses(): JobProcess[] {
  const found: JobProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const pid = Number(entry);
    if (cmdline.includes(join(API_DIST, 'local-invoke.js'))) {
      let jobId: string | undefined;
      try {
        const payload = readFileSync(`/proc/${entry}/environ`, 'utf8')
          .split('\0')
          .find((v) => v.startsWith('SWITCHYARD_INVOKE_PAYLOAD='));
        jobId = (JSON.parse(payload!.slice('SWITCHYARD_INVOKE_PAYLOAD='.length)) as { switchyardJob: { id: string } }).switchyardJob.id;
      } catch {
        // Gone, or not yet readable.
      }
      found.push({ pid, kind: 'invocation', ...(jobId ? { jobId } : {}) });
    } else if (cmdline.includes(join(API_DIST, 'job.js')))
      found.push({ pid, kind: 'task', jobId: cmdline.split('\0').filter(Boolean).at(-1)! });
  }
  return found;
}

/**
 * 200 jobs through the Lambda-mode endpoint of `pnpm start`'s runner, while a third of the processes
 * running them are killed mid-run (a one-off task is stopped as ECS stops one, with SIGTERM; an
 * invocation's sandbox dies outright, SIGKILL) and the job table's process is killed and started
 * again once. Passes when every job ends succeeded or failed with a reason, none is lost, and none
 * is left queued or running.
 */
export async function jobsDrill(jobs: number): Promise<DrillResult> {
  const failures: string[] = [];
  const figures: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-jobs-drill-'));
  const [fargatePort, lambdaPort, tablePort] = [await freePort(), await freePort(), await freePort()];
  const runner = spawn(process.execPath, [join(API_DIST, 'local.js')], {
    env: {
      ...process.env,
      PORT: String(fargatePort),
      LAMBDA_PORT: String(lambdaPort),
      HOST: '127.0.0.1',
      LOCAL_TABLE_PORT: String(tablePort),
      LOCAL_TABLE_PATH: dataDir,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  runner.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  runner.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  let restarted: LocalTable | undefined;
  const killed = new Map<number, string>();
  const seen = new Set<number>();
  let watcher: NodeJS.Timeout | undefined;
  try {
    const deadline = Date.now() + 60_000;
    while (!output.includes('Lambda mode')) {
      if (runner.exitCode !== null || Date.now() > deadline) throw new Error(`the local runner did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const base = `http://127.0.0.1:${lambdaPort}`;
    let unavailable = 0;
    /** Retries what the table's restart makes fail for a moment (a 503, a refused connection). */
    const call = async (path: string, init?: RequestInit): Promise<Response> => {
      const until = Date.now() + SUBMIT_TIMEOUT_MS;
      for (;;) {
        try {
          const res = await fetch(`${base}${path}`, init);
          if (res.status !== 503) return res;
          unavailable += 1;
        } catch (error) {
          if (Date.now() > until) throw error;
        }
        if (Date.now() > until) throw new Error(`${path} kept answering 503`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };

    // A third of the job processes, each killed once its job is running (mid-run, not before it starts).
    const killMidRun = async ({ pid, kind, jobId }: JobProcess) => {
      const signal = kind === 'task' ? 'SIGTERM' : 'SIGKILL';
      const until = Date.now() + 20_000;
      while (Date.now() < until) {
        const view = jobId ? ((await (await call(`/jobs/${jobId}`)).json()) as JobView) : undefined;
        if (view && view.status !== 'queued' && view.status !== 'running') return;
        if (view?.status === 'running') {
          try {
            process.kill(pid, signal);
            killed.set(pid, `${kind} ${signal}`);
          } catch {
            // It finished first.
          }
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const kills: Promise<void>[] = [];
    watcher = setInterval(() => {
      for (const found of jobProcesses()) {
        if (seen.has(found.pid) || !found.jobId) continue;
        seen.add(found.pid);
        if (seen.size % 3 === 0) kills.push(killMidRun(found));
      }
    }, 100);

    const started = Date.now();
    const ids: string[] = [];
    let tableDownMs = 0;
    for (let i = 0; i < jobs; i++) {
      if (i === Math.floor(jobs / 3)) {
        // The table's process dies and comes back on the same port, with the same data on disk.
        const dynalite = execFileSync('pgrep', ['-f', `dynalite.*--port ${tablePort}`], { encoding: 'utf8' })
          .trim()
          .split('\n')[0];
        const down = Date.now();
        process.kill(Number(dynalite), 'SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        restarted = await startLocalTable({ port: tablePort, path: dataDir });
        tableDownMs = Date.now() - down;
      }
      const res = await call('/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(jobRequest(i)),
      });
      if (res.status !== 202) failures.push(`job ${i} was answered ${res.status}: ${await res.text()}`);
      else ids.push(((await res.json()) as JobView).id);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const submitted = Date.now() - started;

    await Promise.all(kills);
    const final = new Map<string, JobView>();
    const until = Date.now() + FINISH_TIMEOUT_MS;
    while (final.size < ids.length && Date.now() < until) {
      for (const id of ids.filter((i) => !final.has(i))) {
        const res = await call(`/jobs/${id}`);
        if (res.status === 404) {
          final.set(id, { id, status: 'lost', runsOn: '?' });
          continue;
        }
        const view = (await res.json()) as JobView;
        if (view.status === 'succeeded' || view.status === 'failed') final.set(id, view);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const views = [...final.values()];
    const unfinished = ids.filter((id) => !final.has(id));
    const lost = views.filter((view) => view.status === 'lost');
    const withoutReason = views.filter((view) => view.status === 'failed' && !view.error?.code);
    const stillRunning = (await (await call('/jobs?status=running')).json()) as { jobs: JobView[] };
    const stillQueued = (await (await call('/jobs?status=queued')).json()) as { jobs: JobView[] };
    if (unfinished.length)
      failures.push(`${unfinished.length} jobs had not finished after ${FINISH_TIMEOUT_MS / 1000} s: ${unfinished.slice(0, 5).join(', ')}`);
    if (lost.length) failures.push(`${lost.length} jobs were lost (404)`);
    if (withoutReason.length) failures.push(`${withoutReason.length} failed jobs give no reason`);
    if (stillRunning.jobs.length || stillQueued.jobs.length)
      failures.push(`${stillRunning.jobs.length} jobs listed as running and ${stillQueued.jobs.length} as queued at the end`);
    if (killed.size === 0) failures.push('no job process was killed: the drill did not test what it claims');

    const count = (predicate: (view: JobView) => boolean) => views.filter(predicate).length;
    const reasons = [...new Set(views.flatMap((view) => (view.error ? [view.error.code] : [])))].map(
      (code) => `${code} ${count((view) => view.error?.code === code)}`,
    );
    figures.push(
      `${ids.length} jobs submitted in ${(submitted / 1000).toFixed(1)} s on the Lambda port: ${count((v) => v.runsOn === 'lambda-async')} as asynchronous invocations, ${count((v) => v.runsOn === 'fargate-task')} as one-off tasks`,
      `job processes ${seen.size}, killed mid-run ${killed.size} (${[...new Set(killed.values())].map((k) => `${[...killed.values()].filter((v) => v === k).length} ${k}`).join(', ')})`,
      `the table's process killed and started again once: down ${(tableDownMs / 1000).toFixed(1)} s; ${unavailable} answers of 503 retried meanwhile`,
      `ended: ${count((v) => v.status === 'succeeded')} succeeded, ${count((v) => v.status === 'failed')} failed (${reasons.join(', ') || 'none'}), ${lost.length} lost, ${unfinished.length} unfinished; all done ${((Date.now() - started) / 1000).toFixed(0)} s after the first`,
    );
  } finally {
    clearInterval(watcher);
    runner.kill('SIGINT');
    await new Promise((resolve) => (runner.exitCode !== null ? resolve(undefined) : runner.once('exit', resolve)));
    await restarted?.stop();
    for (const { pid } of jobProcesses()) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { name: 'jobs', failures, figures };
}
