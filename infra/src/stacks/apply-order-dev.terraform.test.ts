import { ENVIRONMENTS } from '../config/environments';
import { describeApplyOrder } from './apply-order';

// One file per stack, so Jest plans them in parallel.
describeApplyOrder(ENVIRONMENTS.dev!);
