import { send } from '@switchyard/lambda-local/http-client';
import { Agent } from 'node:http';
import { startFargateMode } from './support/modes';
import type { Container } from './support/podman';

/** ECS stops a task with SIGTERM to PID 1, then SIGKILL after the stop timeout. Node is PID 1 here, with no init. */
describe('Fargate mode stops gracefully in a real container', () => {
  let fargate: { container: Container; baseUrl: string } | undefined;
  afterEach(() => fargate?.container.remove());

  test('SIGTERM with requests in flight: each is answered 200, then the container exits 0', async () => {
    fargate = await startFargateMode();
    const { container, baseUrl } = fargate;
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    const inFlight = Array.from({ length: 10 }, () => send(baseUrl, { method: 'GET', path: '/work', query: 'ms=2000' }, agent));
    // Barrier: once a request sent later on a fresh connection is answered, the server has read the ten.
    await send(baseUrl, { method: 'GET', path: '/health' });
    const signalledAt = Date.now();
    await container.signal('SIGTERM');

    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(10).fill(200));
    answers.forEach((answer) => expect(JSON.parse(answer.body.toString())).toEqual({ sleptMs: 2000 }));
    expect(await container.exited()).toBe(0);
    // It exited once the work was done, well before ECS's 30 s stop timeout would have killed it.
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(await container.logs()).toMatch(/draining before exit/);
    agent.destroy();
  });

  test('SIGTERM when idle exits 0 at once', async () => {
    fargate = await startFargateMode();
    const signalledAt = Date.now();
    await fargate.container.signal('SIGTERM');
    expect(await fargate.container.exited()).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
  });
});
