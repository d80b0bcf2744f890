import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDaemonState } from '../src/sandbox-state';

/*
 * `pnpm sandbox up` stopped half-way, as Ctrl-C stops it (SIGINT to the whole foreground group:
 * the CLI, cdktf and terraform), then `pnpm sandbox down`: nothing of the sandbox is left running,
 * and its folder is gone.
 */

const CLI = join(__dirname, '..', 'src', 'cli.ts');

function processesInGroup(pgid: number): string[] {
  const listed = spawnSync('ps', ['-e', '-o', 'pgid=,pid=,stat=,args='], { encoding: 'utf8' }).stdout;
  return listed
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(`${pgid} `) && !/\sZ/.test(line.split(/\s+/).slice(0, 3).join(' ')));
}

test('a Ctrl-C during up, then down: no process and no folder is left', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'switchyard-interrupted-')), 'sandbox');
  const env = { ...process.env, SWITCHYARD_SANDBOX_DIR: dir };
  // Its own process group, as a terminal gives a foreground command.
  const up = spawn(process.execPath, ['--import', 'tsx', CLI, 'up', 'dev', '--bundles'], {
    cwd: join(__dirname, '..'),
    env,
    detached: true,
    stdio: 'ignore',
  });
  const deadline = Date.now() + 180_000;
  while (!readDaemonState(dir) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
  const daemon = readDaemonState(dir);
  expect(daemon).toBeDefined();
  // Let the deploy get under way, then interrupt it.
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  process.kill(-up.pid!, 'SIGINT');
  await new Promise((resolve) => up.once('exit', resolve));

  // The local AWS outlives up, on purpose (a later flip or down uses it)...
  expect(processesInGroup(daemon!.pid).length).toBeGreaterThan(0);
  const down = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'down'], {
    cwd: join(__dirname, '..'),
    env,
    encoding: 'utf8',
    timeout: 300_000,
  });
  expect({ status: down.status, stderr: down.status === 0 ? '' : down.stderr.slice(-2000) }).toEqual({ status: 0, stderr: '' });
  // ...and down leaves nothing: not the local AWS, moto's server or a task, nor the folder.
  expect(processesInGroup(daemon!.pid)).toEqual([]);
  expect(existsSync(dir)).toBe(false);
}, 600_000);
