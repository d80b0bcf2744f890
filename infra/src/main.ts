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
defineStacks(app, { repositoryRoot: join(__dirname, '..', '..'), env: process.env });
app.synth();
