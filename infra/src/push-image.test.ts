import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../test/support/synth-stack';

/*
 * infra/scripts/push-image.sh, run for real with stand-ins for the docker and aws CLIs (no Docker
 * engine and no AWS here): each records its arguments and answers as the real one would.
 */
interface Answers {
  describe: 'found' | 'missing' | 'denied';
  mediaType?: string;
  buildx?: boolean;
  /** The container CLIs on PATH. @default ['docker'] */
  engines?: ('docker' | 'podman')[];
}

/** A folder with only what the script needs besides the stand-ins (sh, cat), so the machine's own CLIs stay out of reach. */
function shellTools(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-tools-'));
  for (const tool of ['cat']) symlinkSync(`/bin/${tool}`, join(dir, tool));
  return dir;
}

function push(answers: Answers, env: Record<string, string> = {}) {
  const bin = mkdtempSync(join(tmpdir(), 'switchyard-bin-'));
  const log = join(bin, 'calls.log');
  writeFileSync(
    join(bin, 'aws'),
    `#!/bin/sh
echo "aws $*" >> "${log}"
case "$2" in
  describe-images)
    case "${answers.describe}" in
      found) echo '{}' ;;
      missing) echo "An error occurred (ImageNotFoundException) when calling the DescribeImages operation" >&2; exit 254 ;;
      denied) echo "An error occurred (ExpiredTokenException): The security token included in the request is expired" >&2; exit 254 ;;
    esac ;;
  get-login-password) echo token ;;
  batch-get-image) echo "${answers.mediaType ?? 'application/vnd.oci.image.manifest.v1+json'}" ;;
esac
`,
  );
  for (const engine of answers.engines ?? ['docker']) {
    writeFileSync(
      join(bin, engine),
      `#!/bin/sh
echo "${engine} $*" >> "${log}"
if [ "$1 $2" = "buildx version" ] && [ "${answers.buildx === false ? 'no' : 'yes'}" = no ]; then exit 1; fi
cat > /dev/null
`,
    );
    chmodSync(join(bin, engine), 0o755);
  }
  chmodSync(join(bin, 'aws'), 0o755);
  const result = spawnSync('/bin/sh', [join(REPOSITORY_ROOT, 'infra', 'scripts', 'push-image.sh')], {
    cwd: REPOSITORY_ROOT,
    env: {
      // Only the stand-ins and the shell's own tools: the machine's podman or aws must not answer.
      PATH: `${bin}:${shellTools()}`,
      REPOSITORY_URL: '123456789012.dkr.ecr.us-east-1.amazonaws.com/switchyard-dev',
      IMAGE_TAG: 'src-abc-arm64',
      AWS_REGION: 'us-east-1',
      PLATFORM: 'linux/arm64',
      ...env,
    },
    encoding: 'utf8',
  });
  let calls = '';
  try {
    calls = readFileSync(log, 'utf8');
  } catch {
    // nothing was called
  }
  return { status: result.status, stderr: result.stderr, calls };
}

describe('push-image.sh', () => {
  test('builds one platform with no attestations, pushes, and checks the pushed manifest is not an index', () => {
    const result = push({ describe: 'missing' });
    expect(result.status).toBe(0);
    const build = result.calls.split('\n').find((line) => line.startsWith('docker buildx build'))!;
    expect(build).toContain('--platform linux/arm64');
    expect(build).toContain('--provenance=false');
    expect(build).toContain('--sbom=false');
    expect(build).toContain('--push');
    expect(result.calls).toContain('aws ecr batch-get-image');
  });

  test('an image index fails the apply before Lambda sees it', () => {
    const result = push({ describe: 'missing', mediaType: 'application/vnd.oci.image.index.v1+json' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/image index, which Lambda refuses/);
  });

  test('an existing tag is not rebuilt', () => {
    const result = push({ describe: 'found' });
    expect(result.status).toBe(0);
    expect(result.calls).not.toContain('buildx build');
  });

  test('a credential error stops the apply instead of passing for "not found"', () => {
    const result = push({ describe: 'denied' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot read switchyard-dev in ECR: .*ExpiredToken/);
    expect(result.calls).not.toContain('buildx build');
  });

  test('BuildKit is required', () => {
    const result = push({ describe: 'missing', buildx: false });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/BuildKit/);
  });

  test('a CA bundle reaches the build as the ca_bundle secret', () => {
    const bundle = join(mkdtempSync(join(tmpdir(), 'switchyard-ca-')), 'ca.pem');
    writeFileSync(bundle, '-----BEGIN CERTIFICATE-----\n');
    const result = push({ describe: 'missing' }, { SWITCHYARD_CA_BUNDLE: bundle });
    expect(result.status).toBe(0);
    expect(result.calls).toContain(`--secret id=ca_bundle,src=${bundle}`);
  });

  test('without a Docker engine, podman builds one platform and pushes to the registry it is given', () => {
    const result = push(
      { describe: 'missing', engines: ['podman'] },
      { SWITCHYARD_REGISTRY_ENDPOINT: '127.0.0.1:5000', BASE_IMAGE: 'localhost/base:1' },
    );
    expect(result.status).toBe(0);
    const lines = result.calls.split('\n');
    const build = lines.find((line) => line.startsWith('podman build'))!;
    expect(build).toContain('--platform linux/arm64');
    expect(build).toContain('--tag 127.0.0.1:5000/switchyard-dev:src-abc-arm64');
    expect(build).toContain('--build-arg BASE_IMAGE=localhost/base:1');
    // A loopback registry speaks plain HTTP.
    expect(lines).toContain('podman push --tls-verify=false 127.0.0.1:5000/switchyard-dev:src-abc-arm64');
    expect(result.calls).toContain('aws ecr batch-get-image');
  });

  test('with neither engine, it says what to install or deploy instead', () => {
    const result = push({ describe: 'missing', engines: [] });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/neither docker nor podman is installed.*TF_VAR_image_uri/);
  });

  test('an unknown CONTAINER_ENGINE is refused', () => {
    const result = push({ describe: 'missing' }, { CONTAINER_ENGINE: 'nerdctl' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/CONTAINER_ENGINE=nerdctl: expected docker or podman/);
  });
});
