import { ENVIRONMENTS } from '../config/environments';
import { describeHclExit } from './hcl-exit';

// One file per stack, so Jest runs them side by side.
describeHclExit(ENVIRONMENTS.prod!);
