import { FunctionError, MAX_RESPONSE_BYTES, startRuntimeApi, type RuntimeApi } from './runtime-api';

/** Plays the runtime's side of the protocol over real HTTP, as aws-lambda-ric does. */
function runtimeClient(api: RuntimeApi) {
  const base = `http://${api.address}/2018-06-01/runtime`;
  return {
    async next() {
      const res = await fetch(`${base}/invocation/next`);
      return { id: res.headers.get('lambda-runtime-aws-request-id')!, headers: res.headers, event: (await res.json()) as unknown };
    },
    post: (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }),
  };
}

/** Catches a rejection as soon as it happens, so a failure the test goes on to check is not reported as unhandled. */
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('Runtime API emulator', () => {
  let api: RuntimeApi;
  let runtime: ReturnType<typeof runtimeClient>;
  beforeEach(async () => {
    api = await startRuntimeApi({ functionName: 'emulated', timeoutMs: 5_000 });
    runtime = runtimeClient(api);
  });
  afterEach(() => api.close());

  test('hands a queued event to the next poll and resolves with the posted response', async () => {
    expect(api.firstPollAt).toBeUndefined();
    const before = performance.now();
    const answered = api.invoke({ path: '/hello' });
    const { id, headers, event } = await runtime.next();
    expect(event).toEqual({ path: '/hello' });
    expect(headers.get('lambda-runtime-invoked-function-arn')).toMatch(/:function:emulated$/);
    expect(Number(headers.get('lambda-runtime-deadline-ms'))).toBeGreaterThan(Date.now());
    expect(Number(headers.get('lambda-runtime-deadline-ms'))).toBeLessThanOrEqual(Date.now() + 5_000);
    const accepted = await runtime.post(`/invocation/${id}/response`, JSON.stringify({ statusCode: 200 }));
    expect(accepted.status).toBe(202);
    await expect(answered).resolves.toEqual({ statusCode: 200 });
    expect(api.polls).toBe(1);
    expect(api.firstPollAt).toBeGreaterThanOrEqual(before);
  });

  test('a runtime that polls before any event waits for one', async () => {
    const polled = runtime.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const answered = api.invoke({ n: 1 });
    const { id, event } = await polled;
    expect(event).toEqual({ n: 1 });
    await runtime.post(`/invocation/${id}/response`, '"done"');
    await expect(answered).resolves.toBe('done');
  });

  test('invocations are served one after another, each with its own request id', async () => {
    const answers = [api.invoke(1), api.invoke(2), api.invoke(3)];
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const { id, event } = await runtime.next();
      ids.add(id);
      await runtime.post(`/invocation/${id}/response`, JSON.stringify((event as number) * 10));
    }
    await expect(Promise.all(answers)).resolves.toEqual([10, 20, 30]);
    expect(ids.size).toBe(3);
  });

  test('an error posted by the runtime rejects the invocation with its type and message', async () => {
    const answered = outcome(api.invoke({}));
    const { id } = await runtime.next();
    const error = { errorType: 'TypeError', errorMessage: 'boom', trace: ['at x'] };
    await runtime.post(`/invocation/${id}/error`, JSON.stringify(error), { 'lambda-runtime-function-error-type': 'Runtime.TypeError' });
    expect(await answered).toMatchObject({ name: 'FunctionError', errorType: 'TypeError', stage: 'invoke' });
  });

  test('an init error is reported, fails what is waiting and every later invocation', async () => {
    const waiting = outcome(api.invoke({}));
    const accepted = await runtime.post(
      '/init/error',
      JSON.stringify({ errorType: 'Runtime.ImportModuleError', errorMessage: "Cannot find module 'dist/nope'" }),
    );
    expect(accepted.status).toBe(202);
    const reported = await api.initError;
    expect(reported).toBeInstanceOf(FunctionError);
    expect(reported.message).toBe("init failed: Runtime.ImportModuleError: Cannot find module 'dist/nope'");
    expect(await waiting).toBe(reported);
    await expect(api.invoke({})).rejects.toBe(reported);
  });

  test('an unknown request id and an unknown path are refused', async () => {
    const unknownId = await runtime.post('/invocation/not-a-real-id/response', '{}');
    expect(unknownId.status).toBe(400);
    expect(await unknownId.json()).toMatchObject({ errorType: 'InvalidRequestID' });
    const notApi = await fetch(`http://${api.address}/2018-06-01/runtime/invocation`, { method: 'DELETE' });
    expect(notApi.status).toBe(404);
  });

  test('a response can be posted only once', async () => {
    const answered = api.invoke({});
    const { id } = await runtime.next();
    await runtime.post(`/invocation/${id}/response`, '1');
    expect((await runtime.post(`/invocation/${id}/response`, '2')).status).toBe(400);
    await expect(answered).resolves.toBe(1);
  });

  test('a response over Lambda’s 6 MB limit is refused and fails the invocation', async () => {
    const answered = outcome(api.invoke({}));
    const { id } = await runtime.next();
    const refused = await runtime.post(`/invocation/${id}/response`, Buffer.alloc(MAX_RESPONSE_BYTES + 1, 'a'));
    expect(refused.status).toBe(413);
    expect(await answered).toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
  });

  test('an invocation nobody answers times out', async () => {
    await expect(api.invoke({}, 100)).rejects.toMatchObject({ errorType: 'Sandbox.Timedout' });
  });

  test('the handler form passes the context’s remaining time as the deadline', async () => {
    const context = { getRemainingTimeInMillis: () => 1_000 } as Parameters<RuntimeApi['handler']>[1];
    const answered = api.handler({ via: 'handler' }, context);
    const { id, headers, event } = await runtime.next();
    expect(event).toEqual({ via: 'handler' });
    expect(Number(headers.get('lambda-runtime-deadline-ms'))).toBeLessThanOrEqual(Date.now() + 1_000);
    await runtime.post(`/invocation/${id}/response`, '{"statusCode":204}');
    await expect(answered).resolves.toEqual({ statusCode: 204 });
  });
});
