import { CONTAINER_PORT, FARGATE_ENTRYPOINT, IMAGE_USER, IMAGE_WORKDIR } from '@switchyard/infra/image-contract';
import { imageUnderTest, podman, READ_ONLY } from './support/podman';

const MB = 1024 * 1024;
/** What the app may add on top of the base: the bundles and the Lambda runtime client. */
const APP_LAYERS_BUDGET_BYTES = 40 * MB;

async function imageSize(image: string): Promise<number> {
  return Number(await podman('image', 'inspect', '--format', '{{.Size}}', image));
}

/** Runs one shell command in a throwaway container of the image under test. */
const inImage = (script: string) =>
  podman('run', '--rm', ...READ_ONLY, '--network', 'none', '--entrypoint', 'sh', imageUnderTest(), '-c', script);

describe('the image', () => {
  test('its defaults are what the infrastructure expects: Fargate’s command, the non-root user, the port', async () => {
    const config = JSON.parse(await podman('image', 'inspect', '--format', '{{json .Config}}', imageUnderTest())) as {
      Entrypoint: string[];
      Cmd: string[];
      User: string;
      WorkingDir: string;
      ExposedPorts: Record<string, unknown>;
    };
    expect(config.Entrypoint).toEqual(FARGATE_ENTRYPOINT.entryPoint);
    expect(config.Cmd).toEqual(FARGATE_ENTRYPOINT.command);
    expect(config.User).toBe(IMAGE_USER);
    expect(config.WorkingDir).toBe(IMAGE_WORKDIR);
    expect(Object.keys(config.ExposedPorts)).toEqual([`${CONTAINER_PORT}/tcp`]);
  });

  test('runs as a non-root user by default', async () => {
    expect(await inImage('id -u; id -g')).toBe('1000\n1000');
  });

  test('holds the bundles (both computes, the job task, the job runtime and the event checker) and the runtime client, and no sources or build tools', async () => {
    expect(await inImage('ls /app/dist')).toBe(
      'job.js\njobs-runtime.js\nlambda-app.js\nlambda-app.js.cache\nlambda.js\nserver.js\ntypebox-checker.js',
    );
    expect((await inImage('ls /app/node_modules')).split('\n')).toContain('aws-lambda-ric');
    expect(await inImage('ls /app/node_modules | grep -cE "^(typescript|esbuild|jest|@swc|fastify)$" || true')).toBe('0');
    expect(await inImage('test -e /src || test -e /ric || echo none')).toBe('none');
    expect(await inImage('command -v pnpm gcc make || echo none')).toBe('none');
  });

  test('a cold start, as the non-root user on a read-only root, reads the compile cache built into the image', async () => {
    // Node writes its compile-cache diagnostics to stderr; the shell hands them to stdout.
    const debug = await inImage(`NODE_DEBUG_NATIVE=COMPILE_CACHE LOG_LEVEL=silent node -e "require('/app/dist/lambda.js')" 2>&1`);
    expect(debug).toMatch(/cache for \/app\/dist\/lambda\.js was accepted/);
  });

  test('adds little to its base, and says how much', async () => {
    const base = process.env.SWITCHYARD_TEST_BASE_IMAGE;
    const total = await imageSize(imageUnderTest());
    const appLayers = base ? total - (await imageSize(base)) : undefined;
    const bundles = Number((await inImage('du -sb /app/dist')).split('\t')[0]);
    const runtimeClient = Number((await inImage('du -sb /app/node_modules')).split('\t')[0]);
    process.stdout.write(
      [
        `image ${imageUnderTest()}: ${(total / MB).toFixed(1)} MB`,
        `  app layers on top of ${base ?? 'the base'}: ${appLayers === undefined ? 'unknown (no base given)' : `${(appLayers / MB).toFixed(1)} MB`}`,
        `  bundles ${(bundles / MB).toFixed(2)} MB, runtime client ${(runtimeClient / MB).toFixed(1)} MB`,
        '',
      ].join('\n'),
    );
    expect(appLayers).toBeDefined();
    expect(appLayers).toBeGreaterThan(bundles);
    expect(appLayers).toBeLessThan(APP_LAYERS_BUDGET_BYTES);
  });
});
