import * as budget from './timing-budget';
import { MAX_WORK_MS } from './work';

describe('the timing budget', () => {
  test('every figure leaves room for the longest request', () => {
    const longest = MAX_WORK_MS / 1000;
    expect(budget.SHUTDOWN_TIMEOUT_MS / 1000).toBeGreaterThan(longest);
    expect(budget.DEREGISTRATION_DELAY_SECONDS).toBeGreaterThan(longest);
    expect(budget.LAMBDA_TIMEOUT_SECONDS).toBeGreaterThan(longest);
    expect(budget.ALB_IDLE_TIMEOUT_SECONDS).toBeGreaterThan(longest);
  });

  test('the shutdown order holds: drain, then SIGKILL; the ALB closes idle connections before the server', () => {
    expect(budget.MAX_SHUTDOWN_TIMEOUT_MS).toBeGreaterThanOrEqual(budget.SHUTDOWN_TIMEOUT_MS);
    expect(budget.MAX_SHUTDOWN_TIMEOUT_MS).toBeLessThan(budget.ECS_STOP_TIMEOUT_SECONDS * 1000);
    // Fargate's limit for stopTimeout.
    expect(budget.ECS_STOP_TIMEOUT_SECONDS).toBeLessThanOrEqual(120);
    expect(budget.KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(budget.ALB_IDLE_TIMEOUT_SECONDS * 1000);
    // Lambda's 15-minute cap.
    expect(budget.LAMBDA_TIMEOUT_SECONDS).toBeLessThanOrEqual(900);
  });
});
