import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EcsAgent } from '../../compute/ecs-agent';
import { LambdaInvoker } from '../../compute/lambda-invoke';
import { processLauncher } from '../../compute/task-launcher';
import { REPOSITORY_ROOT } from '../../sandbox-state';
import { DataPlane } from '../../data-plane/data-plane';
import { DEFAULT_RULE_DELAY } from '../../data-plane/rule-delay';
import { ecrRegistryImages } from './ecr-registry-images';
import { fidelityPatches } from '.';

/** docs/sandbox.md lists the fidelity layer's patches: exactly the ones the daemon installs. */
test('docs/sandbox.md names every patch of the fidelity layer, and no other', () => {
  const launcher = processLauncher(REPOSITORY_ROOT);
  const agent = new EcsAgent({
    launcher,
    awsEnvironment: {},
    freePort: () => Promise.resolve(0),
    targetGroupHealthCheck: () => Promise.reject(new Error('unused')),
  });
  const invoker = new LambdaInvoker({ launcher, awsEnvironment: {}, region: 'us-east-1' });
  const installed = [
    ...fidelityPatches({ taskSets: agent.taskSetRunner, compute: [agent.patch, invoker.patch] }),
    ecrRegistryImages('127.0.0.1:1'),
    new DataPlane({
      stateDir: REPOSITORY_ROOT,
      controlPlaneUrl: 'http://127.0.0.1:1',
      endpoint: 'http://127.0.0.1:1',
      freePort: () => Promise.resolve(0),
      ruleDelay: () => DEFAULT_RULE_DELAY,
    }).patch,
  ]
    .map((patch) => patch.name)
    .sort();

  const page = readFileSync(join(REPOSITORY_ROOT, 'docs', 'sandbox.md'), 'utf8');
  const doc = page.slice(page.indexOf('## The fidelity patches'), page.indexOf('## The apply tier'));
  const inDoc = [...doc.matchAll(/^\| `([a-z0-9-]+)` +\|/gm)].map((m) => m[1]!).sort();

  expect(installed.length).toBeGreaterThanOrEqual(9);
  expect(inDoc).toEqual(installed);
});
