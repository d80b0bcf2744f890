import { App } from 'cdktf';
import { join } from 'node:path';
import { configurationProblems, defineStacks } from './app';

// The only place that reads process.env: everything below receives plain values.
const problems = configurationProblems();
if (problems.length) {
  console.error(`Invalid environment configuration (infra/src/config/environments.ts):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

const app = new App();
try {
  defineStacks(app, { repositoryRoot: join(__dirname, '..', '..'), env: process.env });
} catch (err) {
  // A bad setting in the environment (SWITCHYARD_AWS_ENDPOINT) is the user's to fix: its message, no stack trace.
  console.error((err as Error).message);
  process.exit(1);
}
app.synth();
