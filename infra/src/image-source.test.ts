import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageSourceHash, IMAGE_INPUTS } from './image-source';
import { REPOSITORY_ROOT } from '../test/support/synth-stack';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-src-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('imageSourceHash', () => {
  const inputs = ['docker', 'app/src'];
  const base = { 'docker/Dockerfile': 'FROM x', 'app/src/a.ts': 'a', 'app/src/b.ts': 'b', 'other/readme.md': 'r' };

  test('is stable for the same content', () => {
    expect(imageSourceHash(tree(base), inputs)).toBe(imageSourceHash(tree(base), inputs));
  });

  test.each([
    ['a source file changes', { 'app/src/a.ts': 'a2' }],
    ['a file is added', { 'app/src/c.ts': 'c' }],
    ['the Dockerfile changes', { 'docker/Dockerfile': 'FROM y' }],
  ])('changes when %s', (_, change) => {
    expect(imageSourceHash(tree({ ...base, ...change }), inputs)).not.toBe(imageSourceHash(tree(base), inputs));
  });

  test.each([
    ['a file outside the inputs changes', { 'other/readme.md': 'r2' }],
    ['a test file changes', { 'app/src/a.test.ts': 'test' }],
  ])('ignores %s', (_, change) => {
    expect(imageSourceHash(tree({ ...base, ...change }), inputs)).toBe(imageSourceHash(tree(base), inputs));
  });

  test('covers the real app and the Dockerfile, not the image tests beside it', () => {
    expect(IMAGE_INPUTS).toEqual(
      expect.arrayContaining(['docker/Dockerfile', 'docker/lambda-entrypoint.sh', 'apps/api', 'packages', 'pnpm-lock.yaml']),
    );
    expect(imageSourceHash(REPOSITORY_ROOT)).toMatch(/^[0-9a-f]{64}$/);
    expect(IMAGE_INPUTS.filter((input) => input.startsWith('docker/test') || input === 'docker')).toEqual([]);
  });
});

describe('IMAGE_INPUTS and docker/Dockerfile', () => {
  // Every path the Dockerfile takes from the build context: COPY sources and bind-mount sources.
  function contextSources(dockerfile: string): string[] {
    const sources: string[] = [];
    for (const line of dockerfile.replace(/\\\n/g, ' ').split('\n')) {
      const copy = /^\s*COPY\s+(.*)$/.exec(line);
      if (copy && !/--from=/.test(copy[1]!)) {
        const args = copy[1]!.split(/\s+/).filter((a) => a && !a.startsWith('--'));
        sources.push(...args.slice(0, -1));
      }
      for (const mount of line.matchAll(/--mount=type=bind,source=([^,\s]+)/g)) sources.push(mount[1]!);
    }
    return sources;
  }

  test('the hash covers every source the Dockerfile copies, and nothing it does not', () => {
    const sources = contextSources(readFileSync(join(REPOSITORY_ROOT, 'docker', 'Dockerfile'), 'utf8'));
    expect(sources.length).toBeGreaterThan(5);
    const covered = (path: string) => IMAGE_INPUTS.some((input) => path === input || path.startsWith(`${input}/`));
    expect(sources.filter((source) => !covered(source))).toEqual([]);
    const used = (input: string) => sources.some((source) => source === input || source.startsWith(`${input}/`));
    expect(IMAGE_INPUTS.filter((input) => !used(input))).toEqual(['docker/Dockerfile', '.dockerignore']);
  });

  test('a change to a tsconfig the build reads makes a new image', () => {
    const files = {
      'packages/tsconfig/base.json': '{}',
      'apps/api/tsconfig.json': '{}',
      'apps/api/src/app.ts': 'a',
      'apps/api/node_modules/x/index.js': 'x',
    };
    const before = imageSourceHash(tree(files));
    expect(imageSourceHash(tree({ ...files, 'packages/tsconfig/base.json': '{"strict":true}' }))).not.toBe(before);
    expect(imageSourceHash(tree({ ...files, 'apps/api/tsconfig.json': '{"x":1}' }))).not.toBe(before);
    expect(imageSourceHash(tree({ ...files, 'apps/api/node_modules/x/index.js': 'y' }))).toBe(before);
  });
});
