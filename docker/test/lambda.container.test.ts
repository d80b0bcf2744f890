import { toLambdaEvent } from '@switchyard/lambda-local/events';
import { readLambdaResult } from '@switchyard/lambda-local/results';
import { startRuntimeApi, type RuntimeApi } from '@switchyard/lambda-local/runtime-api';
import { startLambdaMode } from './support/modes';
import { eventually, podman, type Container } from './support/podman';

describe('Lambda mode: the real runtime interface client in the image', () => {
  let runtimeApi: RuntimeApi;
  let container: Container | undefined;
  beforeEach(async () => {
    runtimeApi = await startRuntimeApi({ functionName: 'switchyard-container-test' });
  });
  afterEach(async () => {
    await container?.remove();
    await runtimeApi.close();
  });

  test('serves invocations one after another from the same warm process', async () => {
    container = await startLambdaMode(runtimeApi);
    const event = (name: string) => toLambdaEvent('api-gateway-v2', { method: 'GET', path: '/hello', query: `name=${name}` });
    for (const name of ['first', 'second', 'third']) {
      const response = readLambdaResult(await runtimeApi.invoke(event(name), 10_000));
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body.toString())).toMatchObject({ message: expect.stringContaining(name) });
    }
    // One runtime fetched all three and is waiting for a fourth: the process stayed warm between them.
    await eventually(async () => runtimeApi.polls === 4, 'the fourth poll', container);
    expect(await podman('inspect', '--format', '{{.State.Running}}', container.name)).toBe('true');
  });

  test('a handler that cannot be loaded is reported through /init/error and the runtime exits non-zero', async () => {
    container = await startLambdaMode(runtimeApi, ['dist/missing.handler']);
    const error = await runtimeApi.initError;
    expect(error.errorType).toMatch(/ImportModuleError|HandlerNotFound|UserCodeSyntaxError/);
    expect(await container.exited()).not.toBe(0);
  });
});
