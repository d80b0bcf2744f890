import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { ENVIRONMENTS } from '../config/environments';
import { offlineTerraform } from '../../test/support/offline-terraform';
import { REPOSITORY_ROOT } from '../../test/support/synth-stack';
import { ServiceStack } from './service-stack';

// cdktf's own matchers, on every stack, with the provider's offline-plan settings and the mirror.
const terraform = offlineTerraform();
if (!terraform.available) console.warn(`\n*** SKIPPING cdktf toBeValidTerraform/toPlanSuccessfully: ${terraform.reason} ***\n`);
const describeWithTerraform = terraform.available ? describe : describe.skip;

describeWithTerraform.each(Object.values(ENVIRONMENTS))('cdktf matchers on the $name stack', (environment) => {
  const saved = { ...process.env };
  beforeAll(() => {
    if (terraform.available) Object.assign(process.env, terraform.env);
  });
  afterAll(() => {
    process.env = saved;
  });

  test('toBeValidTerraform and toPlanSuccessfully', () => {
    const stack = new ServiceStack(Testing.app(), `switchyard-${environment.name}`, {
      environment,
      sourceHash: 'f'.repeat(64),
      repositoryRoot: REPOSITORY_ROOT,
      offlinePlan: true,
    });
    const synthesized = Testing.fullSynth(stack);
    expect(synthesized).toBeValidTerraform();
    expect(synthesized).toPlanSuccessfully();
  }, 120_000);
});

// The alarm topic exists only where an environment names an address, which none in the repository does.
describeWithTerraform('cdktf matchers on a stack with an alarm topic', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    if (terraform.available) Object.assign(process.env, terraform.env);
  });
  afterAll(() => {
    process.env = saved;
  });

  test('toBeValidTerraform and toPlanSuccessfully, with notifyEmail set', () => {
    const dev = ENVIRONMENTS.dev!;
    const stack = new ServiceStack(Testing.app(), 'switchyard-dev', {
      environment: { ...dev, safetyNet: { ...dev.safetyNet, notifyEmail: 'oncall@example.com' } },
      sourceHash: 'f'.repeat(64),
      repositoryRoot: REPOSITORY_ROOT,
      offlinePlan: true,
    });
    const synthesized = Testing.fullSynth(stack);
    expect(synthesized).toBeValidTerraform();
    expect(synthesized).toPlanSuccessfully();
  }, 120_000);
});
