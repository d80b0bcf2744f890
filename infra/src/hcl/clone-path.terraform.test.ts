import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { offlineTerraform } from '../../test/support/offline-terraform';
import { REPOSITORY_ROOT } from '../../test/support/synth-stack';

/*
 * Nothing depends on where the repository is cloned: a clone into a folder whose name has
 * upper-case letters, digits and a space installs, and `pnpm infra:hcl` there writes a working_dir
 * that leads back to that clone.
 */
const terraform = offlineTerraform();
const pnpm = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
const ready = terraform.available && !pnpm.error && spawnSync('git', ['--version']).status === 0;

(ready ? test : test.skip)(
  'a clone in "Switch Yard 2/My Repo 42" exports its stacks as HCL that point back at it',
  () => {
    if (!terraform.available) return;
    const parent = join(mkdtempSync(join(tmpdir(), 'switchyard-clone-')), 'Switch Yard 2');
    mkdirSync(parent);
    const clone = join(parent, 'My Repo 42');
    // Outside the clone, so the way back to it passes through every one of those names.
    const out = mkdtempSync(join(tmpdir(), 'switchyard-clone-hcl-'));
    try {
      const run = (command: string, args: string[], cwd: string) => {
        const result = spawnSync(command, args, { cwd, env: terraform.env, encoding: 'utf8', timeout: 300_000 });
        expect({
          command: `${command} ${args.join(' ')}`,
          status: result.status,
          stderr: result.status ? result.stderr.slice(-1500) : '',
        }).toEqual({
          command: `${command} ${args.join(' ')}`,
          status: 0,
          stderr: '',
        });
        return result.stdout;
      };
      run('git', ['clone', '--quiet', '--no-hardlinks', REPOSITORY_ROOT, clone], parent);
      // The store already holds every package: nothing is downloaded.
      run('pnpm', ['install', '--offline', '--frozen-lockfile', '--silent'], clone);
      run('pnpm', ['--silent', 'infra:hcl', 'dev', '--out', out], clone);
      const workingDir = /working_dir = "\$\{path\.module\}\/([^"]+)"/.exec(readFileSync(join(out, 'dev', 'image.tf'), 'utf8'))?.[1];
      expect(workingDir).toBe(relative(join(out, 'dev'), clone));
      expect(workingDir).toContain('Switch Yard 2/My Repo 42');
      expect(resolve(join(out, 'dev'), workingDir!)).toBe(clone);
    } finally {
      rmSync(resolve(parent, '..'), { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  },
  600_000,
);
