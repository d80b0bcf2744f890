import type { EnvironmentConfig } from '../../src/config/environments';
import { offlineTerraform, OfflineStackDir } from './offline-terraform';
import type { SynthesizedStack } from '../../src/stacks/synthesized-stack';
import { synthStackAsWritten } from './synth-stack';
import { TransitionLab } from './transitions';

/**
 * One stack's synthesized JSON in an initialised directory, with a TransitionLab on it, shared by
 * the describes of one test file: the states it settles and the transitions it plans (a few
 * terraform runs each) are paid for once, whichever suite asks first.
 */
export interface StackFixture {
  readonly stack: SynthesizedStack;
  readonly env: NodeJS.ProcessEnv;
  readonly json: OfflineStackDir;
  readonly lab: TransitionLab;
}

/** Registers the fixture's beforeAll and afterAll; undefined (and a warning) without terraform or the mirror. */
export function stackFixture(environment: EnvironmentConfig): StackFixture | undefined {
  const terraform = offlineTerraform();
  if (!terraform.available) {
    console.warn(`\n*** SKIPPING the terraform tests of ${environment.name}: ${terraform.reason} ***\n`);
    test.skip(`terraform tests of ${environment.name}`, () => {});
    return undefined;
  }
  const stack = synthStackAsWritten(environment);
  let json: OfflineStackDir | undefined;
  let lab: TransitionLab | undefined;
  beforeAll(() => {
    json = new OfflineStackDir(stack, terraform.env);
    const init = json.init();
    if (init.status !== 0) throw new Error(`terraform init failed:\n${init.output}`);
    lab = new TransitionLab(json, stack);
  }, 120_000);
  afterAll(() => json?.remove());
  return {
    stack,
    env: terraform.env,
    get json() {
      if (!json) throw new Error('the stack fixture is used before its beforeAll');
      return json;
    },
    get lab() {
      if (!lab) throw new Error('the stack fixture is used before its beforeAll');
      return lab;
    },
  };
}
