import { loadJobsConfig } from './jobs-config';

describe('the jobs configuration, from the environment', () => {
  test('jobs are off without JOBS_TABLE', () => {
    expect(loadJobsConfig({})).toBeUndefined();
    expect(loadJobsConfig({ JOBS_TABLE: '  ' })).toBeUndefined();
  });

  test('with a table: a 10 s inline limit, the function name Lambda sets, and the task when all of its variables are set', () => {
    expect(loadJobsConfig({ JOBS_TABLE: 'jobs' })).toEqual({ tableName: 'jobs', inlineMaxMs: 10_000 });
    expect(
      loadJobsConfig({
        JOBS_TABLE: 'jobs',
        JOB_INLINE_MAX_MS: '2500',
        AWS_LAMBDA_FUNCTION_NAME: 'switchyard-dev-api',
        JOB_CLUSTER: 'switchyard-dev',
        JOB_TASK_DEFINITION: 'switchyard-dev-job',
        JOB_SUBNETS: 'subnet-a, subnet-b',
        JOB_SECURITY_GROUPS: 'sg-1',
        JOB_ASSIGN_PUBLIC_IP: 'true',
      }),
    ).toEqual({
      tableName: 'jobs',
      inlineMaxMs: 2500,
      functionName: 'switchyard-dev-api',
      task: {
        cluster: 'switchyard-dev',
        taskDefinition: 'switchyard-dev-job',
        containerName: 'api',
        subnets: ['subnet-a', 'subnet-b'],
        securityGroups: ['sg-1'],
        assignPublicIp: true,
      },
    });
  });

  test.each([
    [{ JOB_INLINE_MAX_MS: 'soon' }, 'JOB_INLINE_MAX_MS must be a whole number of milliseconds from 0 to 30000; got "soon"'],
    [{ JOB_INLINE_MAX_MS: '31000' }, 'JOB_INLINE_MAX_MS must be a whole number of milliseconds from 0 to 30000; got "31000"'],
    [
      { JOB_CLUSTER: 'c', JOB_SUBNETS: 's' },
      'set all of JOB_CLUSTER, JOB_TASK_DEFINITION, JOB_SUBNETS, JOB_SECURITY_GROUPS or none; missing JOB_TASK_DEFINITION, JOB_SECURITY_GROUPS',
    ],
  ])('%j is refused, naming the variable', (env, message) => {
    expect(() => loadJobsConfig({ JOBS_TABLE: 'jobs', ...env })).toThrow(`Invalid environment: ${message}.`);
  });
});
