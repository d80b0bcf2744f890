/**
 * The job table's shape: one contract for the stack that creates it in AWS (infra's Jobs construct)
 * and for the local runner and tests that create it in dynalite (job-table.ts). Jobs are read by id,
 * and listed by status newest first through the status index; TTL removes finished jobs.
 */
export const JOB_TABLE = {
  partitionKey: 'id',
  statusIndex: { name: 'status-createdAt', partitionKey: 'status', sortKey: 'createdAt' },
  ttlAttribute: 'expiresAt',
} as const;
