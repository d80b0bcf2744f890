import { EVENT_KINDS } from '@switchyard/lambda-contract/contract';
import { toLambdaEvent } from '@switchyard/lambda-local/events';
import { send } from '@switchyard/lambda-local/http-client';
import { comparable, PARITY_CASES } from '@switchyard/lambda-local/parity-cases';
import { readLambdaResult } from '@switchyard/lambda-local/results';
import { startRuntimeApi, type RuntimeApi } from '@switchyard/lambda-local/runtime-api';
import { mainProcessUid, runtimePolling, startFargateMode, startLambdaMode } from './support/modes';
import type { Container } from './support/podman';

/**
 * One image, two computes: the service's parity table goes over HTTP to the container in Fargate
 * mode, and as every trigger's event through the real aws-lambda-ric to the same image in Lambda
 * mode. Every answer must match.
 */
describe('the same image answers alike in Fargate mode and in Lambda mode', () => {
  let runtimeApi: RuntimeApi;
  let fargate: { container: Container; baseUrl: string };
  let lambda: Container;
  const invoke = async (event: unknown) => readLambdaResult(await runtimeApi.invoke(event, 10_000));

  beforeAll(async () => {
    runtimeApi = await startRuntimeApi({ functionName: 'switchyard-container-test' });
    [fargate, lambda] = await Promise.all([startFargateMode(), startLambdaMode(runtimeApi)]);
    await runtimePolling(runtimeApi, lambda);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([fargate?.container.remove(), lambda?.remove()]);
    await runtimeApi?.close();
  });

  test('both modes run as the image’s non-root user', async () => {
    expect(await mainProcessUid(fargate.container)).toBe(1000);
    expect(await mainProcessUid(lambda)).toBe(1000);
  });

  test('each mode says which compute answered', async () => {
    const fromFargate = await send(fargate.baseUrl, { method: 'GET', path: '/' });
    const fromLambda = await invoke(toLambdaEvent('alb', { method: 'GET', path: '/' }));
    expect(JSON.parse(fromFargate.body.toString())).toEqual({ message: 'Hello from fargate', compute: 'fargate' });
    expect(JSON.parse(fromLambda.body.toString())).toEqual({ message: 'Hello from lambda', compute: 'lambda' });
  });

  test('the root filesystem is read-only in both modes; /tmp, the image’s own volume and no tmpfs, is writable by the non-root user', async () => {
    for (const container of [fargate.container, lambda]) {
      await expect(container.exec('touch', '/app/written')).rejects.toThrow(/Read-only file system/);
      await expect(container.exec('touch', '/tmp/written')).resolves.toBe('');
      expect(await container.exec('sh', '-c', 'id -u; stat -c %a /tmp; grep " /tmp " /proc/mounts | grep -c tmpfs || true')).toBe(
        '1000\n1777\n0',
      );
    }
  });

  // The image runs here without a job table; the job cases run in the api tier, which starts one.
  describe.each(PARITY_CASES.filter((c) => !c.needsJobs))('$name', ({ request, expectedStatus, repeatsKeys }) => {
    let fromFargate: ReturnType<typeof comparable>;
    beforeAll(async () => {
      fromFargate = comparable(await send(fargate.baseUrl, request), request.path);
    });

    test(`Fargate mode answers ${expectedStatus}`, () => {
      expect(fromFargate.statusCode).toBe(expectedStatus);
    });

    test.each(EVENT_KINDS.filter((kind) => !(repeatsKeys && kind === 'alb')))('Lambda mode, %s event, answers the same', async (kind) => {
      expect(comparable(await invoke(toLambdaEvent(kind, request)), request.path)).toEqual(fromFargate);
    });
  });
});
