/**
 * The environment variables that carry the job settings from the stack to the app: infra writes
 * them into both computes and the job task (infra/src/constructs/jobs.ts), the app reads them
 * (jobs-config.ts). Renaming one here renames it on both sides.
 */
export const JOB_ENV = {
  table: 'JOBS_TABLE',
  cluster: 'JOB_CLUSTER',
  taskDefinition: 'JOB_TASK_DEFINITION',
  containerName: 'JOB_CONTAINER_NAME',
  subnets: 'JOB_SUBNETS',
  securityGroups: 'JOB_SECURITY_GROUPS',
  assignPublicIp: 'JOB_ASSIGN_PUBLIC_IP',
  inlineMaxMs: 'JOB_INLINE_MAX_MS',
} as const;
