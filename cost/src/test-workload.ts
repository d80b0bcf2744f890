import type { Workload } from './model';

/** For tests: dev's sizes (infra/src/config/environments.ts) with round measured figures, at 10 req/s, flat. */
export const DEV_WORKLOAD: Workload = {
  requestsPerSecond: 10,
  peakToAverage: 1,
  region: 'us-east-1',
  architecture: 'x86_64',
  lambda: { memoryMb: 512, billedMsPerRequest: 1, freeTier: false },
  fargate: {
    vcpu: 0.25,
    memoryGb: 0.5,
    minTasks: 1,
    maxTasks: 2,
    requestsPerVcpuSecond: 50_000,
    targetCpuPercent: 60,
    requestsPerTaskPerMinute: 500,
    spot: false,
    standby: false,
  },
  network: { natGateway: false, availabilityZones: 2 },
  traffic: {
    bytesPerRequest: 2048,
    requestsPerConnection: 10,
    connectionSeconds: 10,
    logBytesPerRequest: 250,
    lambdaPlatformLogBytes: 300,
  },
};
