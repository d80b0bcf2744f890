import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, portOpen } from '@switchyard/api/local-table';
import { freezeTasks } from './freeze-tasks';

/*
 * A task process frozen: connections are still accepted (the kernel does that), but nothing is
 * answered until it is thawed. Process mode; podman mode is rehearsed in the apply tier.
 */

let task: ChildProcess;
let port: number;

beforeAll(async () => {
  port = await freePort();
  const server = "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')";
  task = spawn(process.execPath, ['-e', server], { env: { PATH: process.env.PATH, PORT: String(port) }, stdio: 'ignore' });
  while (!(await portOpen(port))) await new Promise((resolve) => setTimeout(resolve, 50));
});

afterAll(() => {
  task.kill('SIGCONT');
  task.kill('SIGKILL');
});

test('a frozen task accepts a connection but answers nothing until it is thawed', async () => {
  expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
  const frozen = freezeTasks([port]);
  expect(frozen.frozen).toEqual([String(task.pid)]);
  try {
    expect(await portOpen(port)).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1500) })).rejects.toThrow();
  } finally {
    frozen.thaw();
  }
  expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
});

test('finding no task to freeze is an error, not a rehearsal without its fault', async () => {
  const nobody = await freePort();
  expect(() => freezeTasks([nobody])).toThrow(`no task process serves port ${nobody}`);
});
