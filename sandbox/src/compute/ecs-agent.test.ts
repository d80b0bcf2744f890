import { matches } from './ecs-agent';

describe("a target group's matcher, as ELB reads it", () => {
  test.each([
    ['200', 200, true],
    ['200', 204, false],
    ['200,202', 202, true],
    ['200-299', 299, true],
    ['200-299', 300, false],
    ['200-299', 503, false],
    ['200, 301-302', 302, true],
  ])('%s with %i: %s', (matcher, status, healthy) => {
    expect(matches(matcher, status)).toBe(healthy);
  });
});
