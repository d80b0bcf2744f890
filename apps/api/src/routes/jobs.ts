import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import {
  estimatedRunMs,
  jobProblems,
  MAX_BATCH_ITEM_LENGTH,
  MAX_BATCH_ITEMS,
  MAX_WORK_JOB_MS,
  type JobRequest,
} from '@switchyard/domain/jobs';
import { TRANSFORMS } from '@switchyard/domain/transforms';
import { Type } from 'typebox';
import { ErrorEnvelope, HttpError } from '../http-error';
import { JOB_STATUSES, MAX_LIST, RUNS_ON, toView, type JobRecord, type JobStatus } from '../jobs/job-record';
import type { JobsRuntime } from '../jobs/jobs-runtime';
import { deadlineFor, fingerprintOf, jobIdFor, placeJob } from '../jobs/placement';
import type { Compute } from './root';

/** The longest job a caller may declare: a day. */
const MAX_DECLARED_MS = 24 * 3600 * 1000;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** A closed set of strings, as one JSON Schema enum. */
const oneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

const WorkJob = Type.Object(
  {
    kind: Type.Literal('work'),
    input: Type.Object(
      { ms: Type.Integer({ minimum: 0, maximum: MAX_WORK_JOB_MS, description: 'How long to work, in steps of a second' }) },
      { additionalProperties: false },
    ),
    declaredMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_DECLARED_MS,
        description: 'Expected run time, if the caller knows better than the estimate',
      }),
    ),
  },
  { additionalProperties: false },
);
const TransformBatchJob = Type.Object(
  {
    kind: Type.Literal('transform-batch'),
    input: Type.Object(
      {
        transform: oneOf(TRANSFORMS),
        items: Type.Array(Type.String({ maxLength: MAX_BATCH_ITEM_LENGTH }), { maxItems: MAX_BATCH_ITEMS }),
        locale: Type.Optional(Type.String({ maxLength: 35, description: 'BCP 47 language tag' })),
      },
      { additionalProperties: false },
    ),
    declaredMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_DECLARED_MS })),
  },
  { additionalProperties: false },
);
const JobBody = Type.Union([WorkJob, TransformBatchJob]);

const JobResultSchema = Type.Union([Type.Object({ sleptMs: Type.Integer() }), Type.Object({ results: Type.Array(Type.String()) })]);
const Status = oneOf(JOB_STATUSES);
const RunsOnSchema = oneOf(
  RUNS_ON,
  'inline: the API process (Fargate); lambda-async: an asynchronous invocation (Lambda); fargate-task: a one-off task',
);
const JobViewSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  status: Status,
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  runsOn: RunsOnSchema,
  createdAt: Type.String(),
  startedAt: Type.Optional(Type.String()),
  finishedAt: Type.Optional(Type.String()),
  result: Type.Optional(JobResultSchema),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});
const Accepted = Type.Object({ id: Type.String(), kind: Type.String(), status: Status, runsOn: RunsOnSchema });

export interface JobRoutesOptions {
  compute: Compute;
  /** The job runtime, loaded on first use; absent when JOBS_TABLE is not set, and the routes then answer 503. */
  jobs?: () => JobsRuntime;
}

/** The table is down or throttling: a 503 the caller may retry, with the cause in the log. */
async function fromTable<T>(reply: FastifyReply, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    void reply.header('retry-after', '1');
    throw new HttpError(503, 'JOBS_UNAVAILABLE', 'The job table did not answer; retry the request', { cause: error });
  }
}

export const jobRoutes: FastifyPluginAsyncTypebox<JobRoutesOptions> = async (app, { compute, jobs }) => {
  const runtime = () => {
    if (!jobs) throw new HttpError(503, 'JOBS_UNAVAILABLE', 'Jobs are not configured here: set JOBS_TABLE');
    return jobs();
  };

  app.post(
    '/jobs',
    {
      schema: {
        summary: 'Start a background job; poll its Location for the result',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH })) }),
        body: JobBody,
        response: { 202: Accepted, '4xx': ErrorEnvelope, '5xx': ErrorEnvelope },
      },
    },
    async (request, reply) => {
      const { store, launcher, config } = runtime();
      const { declaredMs, ...job } = request.body;
      const jobRequest = job as JobRequest;
      const problems = jobProblems(jobRequest);
      if (problems.length) throw new HttpError(400, 'VALIDATION_ERROR', problems.join('; '));
      const key = request.headers['idempotency-key'];
      const expectedMs = declaredMs ?? estimatedRunMs(jobRequest);
      const runsOn = placeJob(expectedMs, compute, config.inlineMaxMs);
      const now = new Date();
      const record: JobRecord = {
        id: jobIdFor(key),
        kind: jobRequest.kind,
        input: jobRequest.input,
        status: 'queued',
        progress: 0,
        runsOn,
        createdAt: now.toISOString(),
        deadlineAt: deadlineFor(runsOn, expectedMs, now),
        fingerprint: fingerprintOf(request.body),
      };
      const outcome = await fromTable(reply, () => store.create(record));
      if (!outcome.created && outcome.record.fingerprint !== record.fingerprint)
        throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different job');
      let current = outcome.record;
      if (outcome.created) {
        await fromTable(reply, () => launcher.launch(record));
        // A launch that failed has already recorded why.
        current = (await fromTable(reply, () => store.get(record.id))) ?? record;
      }
      void reply.code(202).header('location', `/jobs/${current.id}`);
      return { id: current.id, kind: current.kind, status: current.status, runsOn: current.runsOn };
    },
  );

  app.get(
    '/jobs/:id',
    {
      schema: {
        summary: "A job's status, progress and result",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: JobViewSchema, '4xx': ErrorEnvelope, '5xx': ErrorEnvelope },
      },
    },
    async ({ params }, reply) => {
      const record = await fromTable(reply, () => runtime().store.get(params.id));
      if (!record) throw new HttpError(404, 'JOB_NOT_FOUND', `No job ${params.id}`);
      return toView(record);
    },
  );

  app.get(
    '/jobs',
    {
      schema: {
        summary: 'Jobs by status, newest first',
        querystring: Type.Object({ status: Type.Optional(Status) }),
        response: { 200: Type.Object({ jobs: Type.Array(JobViewSchema) }), '4xx': ErrorEnvelope, '5xx': ErrorEnvelope },
      },
    },
    async ({ query }, reply) => {
      const { store } = runtime();
      const statuses: readonly JobStatus[] = query.status ? [query.status] : JOB_STATUSES;
      const found = (await fromTable(reply, () => Promise.all(statuses.map((status) => store.list(status))))).flat();
      const unique = [...new Map(found.map((record) => [record.id, record])).values()];
      unique.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { jobs: unique.slice(0, MAX_LIST).map(toView) };
    },
  );
};
