import { ENVIRONMENTS } from '../src/config/environments';
import { describeHclExit } from './support/hcl-exit-suite';
import { stackFixture } from './support/stack-fixture';
import { describeApplyOrder } from './support/apply-order-suite';

// One file per stack, so Jest runs the stacks side by side. Both suites share the stack's lab: the
// states the apply-order tests settle are the ones the HCL must take over.
const environment = ENVIRONMENTS.prod!;
const fixture = stackFixture(environment);
if (fixture) {
  describe('the switch, from the apply graph', () => describeApplyOrder(environment, fixture));
  describe('leaving CDKTF: the stack as HCL', () => describeHclExit(environment, fixture, { commands: false }));
}
