import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * pnpm sandbox as a user meets it before anything is deployed: what it refuses, and why. The
 * commands that deploy are the apply tier's (test/*.apply.test.ts).
 */

const CLI = join(__dirname, 'cli.ts');

/** A PATH with node and nothing else: no moto, no python, no podman. */
function bareBin(): string {
  const bin = mkdtempSync(join(tmpdir(), 'switchyard-bare-bin-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  return bin;
}

function sandbox(args: string[], env: NodeJS.ProcessEnv = {}) {
  const dir = join(mkdtempSync(join(tmpdir(), 'switchyard-sandbox-cli-')), 'sandbox');
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: join(__dirname, '..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SWITCHYARD_SANDBOX_DIR: dir, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { ...result, dir };
}

test('up without moto stops at once and says what to install, starting nothing', () => {
  const result = sandbox(['up'], { PATH: bareBin() });
  expect(result.stderr).toContain("pip install 'moto[server]'");
  expect(result.status).toBe(2);
  expect(existsSync(result.dir)).toBe(false);
});

test('up without HAProxy stops at once and says what to install, starting nothing', () => {
  const bin = bareBin();
  // moto's server is there (the machine's), HAProxy is not.
  const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(join(bin, 'moto_server'), `#!/bin/sh\nexec ${python} -m moto.server "$@"\n`, { mode: 0o755 });
  symlinkSync('/bin/sh', join(bin, 'sh'));
  const result = sandbox(['up'], { PATH: bin });
  expect(result.stderr).toContain('HAProxy serves the sandbox');
  expect(result.stderr).toContain('apt-get install haproxy');
  expect(result.status).toBe(2);
  expect(existsSync(result.dir)).toBe(false);
});

test.each([
  [[], /a command is needed/],
  [['deploy'], /unknown command "deploy"/],
  [['up', 'staging'], /unknown environment "staging"; known: dev, prod/],
  [['up', 'dev', 'prod'], /up takes one environment/],
  [['status', 'dev'], /status takes no arguments/],
  [['up', '--imge', 'x'], /Unknown option '--imge'/],
  [['up', '--rule-delay', 'soon'], /rule delay "soon": expected seconds, or a range of seconds such as 0-20/],
  [['up', '--rule-delay', '20-5'], /rule delay "20-5": the range's end is below its start/],
])('%j is refused with the usage (exit 2)', (args, message) => {
  const result = sandbox(args);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toContain('usage: pnpm sandbox <command>');
  expect(result.status).toBe(2);
});

test('--help lists every command and option', () => {
  const result = sandbox(['--help']);
  expect(result.status).toBe(0);
  for (const word of ['up [environment]', 'down', 'status', 'env', '--image <uri>', '--bundles', '--rule-delay <s>'])
    expect(result.stdout).toContain(word);
});

test('status, env and down with nothing running say so, and down leaves nothing behind', () => {
  expect(sandbox(['status']).stdout).toMatch(/not running \(pnpm sandbox up starts it\)/);
  const env = sandbox(['env']);
  expect(env.stderr).toMatch(/the sandbox is not running: pnpm sandbox up/);
  expect(env.status).toBe(1);
  const down = sandbox(['down']);
  expect(down.status).toBe(0);
  expect(down.stdout).toMatch(/the sandbox is down/);
  expect(existsSync(down.dir)).toBe(false);
});
