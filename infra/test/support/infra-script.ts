import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const INFRA = join(__dirname, '..', '..');
const TSX_CLI = require.resolve('tsx/cli', { paths: [INFRA] });

/** One of infra/scripts/ run as `pnpm infra:<name>` runs it: tsx, in infra/, with this Node. */
export function runInfraScript(script: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [TSX_CLI, `scripts/${script}`, ...args], { cwd: INFRA, env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
