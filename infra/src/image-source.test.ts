import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageSourceHash, IMAGE_INPUTS } from './image-source';
import { REPOSITORY_ROOT } from './testing/synth-stack';

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
      expect.arrayContaining(['docker/Dockerfile', 'docker/lambda-entrypoint.sh', 'apps/api/src', 'packages/domain/src', 'pnpm-lock.yaml']),
    );
    expect(imageSourceHash(REPOSITORY_ROOT)).toMatch(/^[0-9a-f]{64}$/);
    expect(IMAGE_INPUTS.filter((input) => input.startsWith('docker/test') || input === 'docker')).toEqual([]);
  });
});
