import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JobRequest, JobResult } from '@switchyard/domain/jobs';
import { JOB_TABLE } from './table-shape';
import { asOf, MAX_LIST, TIMED_OUT, type JobError, type JobRecord, type JobStatus } from './job-record';

/** The table's status index: `GET /jobs?status=` reads it newest first. */
export const STATUS_INDEX = JOB_TABLE.statusIndex.name;
/** Finished jobs stay readable this long; then DynamoDB's TTL deletes them. */
export const FINISHED_JOB_RETENTION_SECONDS = 7 * 24 * 3600;
/**
 * An item holds at most 400 KB, and a batch of 100,000 strings (or its result) can be larger: inputs
 * and results are kept as JSON in parts of this many bytes, in items of their own.
 */
const PART_BYTES = 300 * 1024;
/** Parts outlive any job (a day at most) and its retention, then TTL removes them. */
const PART_RETENTION_SECONDS = FINISHED_JOB_RETENTION_SECONDS + 2 * 24 * 3600;

export type CreateOutcome = { created: boolean; record: JobRecord };
type Outcome = { status: 'succeeded'; result: JobResult } | { status: 'failed'; error: JobError };

interface StoredJob extends Omit<JobRecord, 'input' | 'result'> {
  /** Where the input's parts are: `<prefix>/<n>` for n below inputParts. */
  inputPrefix: string;
  inputParts: number;
  resultParts?: number;
}

function split(value: unknown): Buffer[] {
  const json = Buffer.from(JSON.stringify(value));
  const parts: Buffer[] = [];
  for (let start = 0; start < json.length || parts.length === 0; start += PART_BYTES) parts.push(json.subarray(start, start + PART_BYTES));
  return parts;
}

/**
 * Job records in DynamoDB. Every change of status is a conditional write, so two writers (a job
 * process and a reader timing it out, say) can never move a finished job again.
 */
export class JobStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
    private readonly now: () => Date = () => new Date(),
  ) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /**
   * Writes a new job unless one with its id exists, and then returns that one (an idempotent retry).
   * The input's parts are named after the request's fingerprint, so a retry with another request
   * cannot overwrite the first one's input.
   */
  async create(record: JobRecord): Promise<CreateOutcome> {
    const { input, result: _, ...meta } = record;
    const inputPrefix = `${record.id}/input/${record.fingerprint.slice(0, 16)}`;
    const parts = split(input);
    await this.writeParts(inputPrefix, parts);
    const item: StoredJob = { ...meta, inputPrefix, inputParts: parts.length };
    try {
      await this.documents.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(id)' }));
      return { created: true, record: { ...meta } };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.get(record.id);
      if (!existing) throw error;
      return { created: false, record: existing };
    }
  }

  /** The job as of now (past its deadline and unfinished, it is recorded as timed out on the way), with its result. */
  async get(id: string, { withInput = false } = {}): Promise<JobRecord | undefined> {
    const stored = await this.stored(id);
    if (!stored) return undefined;
    const current = this.asOfNow(stored);
    if (current.status !== stored.status) await this.finish(id, { status: 'failed', error: TIMED_OUT }, stored.status);
    const { inputPrefix, inputParts, resultParts, ...meta } = current;
    return {
      ...meta,
      ...(withInput ? { input: (await this.readParts(inputPrefix, inputParts)) as JobRequest['input'] } : {}),
      ...(current.status === 'succeeded' && resultParts
        ? { result: (await this.readParts(`${id}/result`, resultParts)) as JobResult }
        : {}),
    };
  }

  /** Jobs with this status as of now, newest first, without their inputs or results. */
  async list(status: JobStatus, limit = MAX_LIST): Promise<JobRecord[]> {
    // A job past its deadline is still indexed as queued or running until it is read; so every list
    // reads jobs as of now, and a list of failed ones adds those.
    const query = async (indexed: JobStatus) => {
      const { Items = [] } = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: STATUS_INDEX,
          KeyConditionExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': indexed },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (Items as StoredJob[]).map((stored) => this.asOfNow(stored));
    };
    const indexed: JobStatus[] = status === 'failed' ? ['failed', 'queued', 'running'] : [status];
    const found = (await Promise.all(indexed.map(query))).flat();
    return found
      .filter((job) => job.status === status)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit)
      .map(({ inputPrefix: _p, inputParts: _n, resultParts: _r, ...meta }) => meta);
  }

  /** queued → running; false when the job is not queued (already taken, finished, or unknown). */
  async start(id: string): Promise<boolean> {
    return this.conditionalUpdate(
      id,
      'SET #status = :running, startedAt = :now, progress = :zero',
      '#status = :queued AND deadlineAt >= :now',
      {
        ':running': 'running',
        ':queued': 'queued',
        ':now': this.now().toISOString(),
        ':zero': 0,
      },
    );
  }

  /** Records progress while the job runs; false once it no longer runs (stopped, or past its deadline). */
  async progress(id: string, progress: number): Promise<boolean> {
    return this.conditionalUpdate(id, 'SET progress = :progress', '#status = :running AND deadlineAt >= :now', {
      ':progress': progress,
      ':running': 'running',
      ':now': this.now().toISOString(),
    });
  }

  /** Finishes a job that has not finished; `from` narrows which status it may finish from. */
  async finish(id: string, outcome: Outcome, from?: JobStatus): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':status': outcome.status,
      ':finishedAt': this.now().toISOString(),
      ':expiresAt': Math.floor(this.now().getTime() / 1000) + FINISHED_JOB_RETENTION_SECONDS,
      ':queued': 'queued',
      ':running': 'running',
    };
    let update = 'SET #status = :status, finishedAt = :finishedAt, expiresAt = :expiresAt';
    if (outcome.status === 'succeeded') {
      const parts = split(outcome.result);
      await this.writeParts(`${id}/result`, parts);
      update += ', resultParts = :parts, progress = :one';
      Object.assign(values, { ':parts': parts.length, ':one': 1 });
    } else {
      update += ', #error = :error';
      values[':error'] = outcome.error;
    }
    let condition = '#status IN (:queued, :running)';
    if (from) {
      values[':from'] = from;
      condition += ' AND #status = :from';
    }
    // DynamoDB refuses an expression name that the expressions do not use.
    return this.conditionalUpdate(id, update, condition, values, outcome.status === 'failed' ? { '#error': 'error' } : {});
  }

  private asOfNow(stored: StoredJob): StoredJob {
    return asOf(stored as JobRecord, this.now()) as unknown as StoredJob;
  }

  private async stored(id: string): Promise<StoredJob | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
    return Item && 'status' in Item ? (Item as StoredJob) : undefined;
  }

  private async writeParts(prefix: string, parts: Buffer[]): Promise<void> {
    const expiresAt = Math.floor(this.now().getTime() / 1000) + PART_RETENTION_SECONDS;
    await Promise.all(
      parts.map((data, n) =>
        this.documents.send(new PutCommand({ TableName: this.tableName, Item: { id: `${prefix}/${n}`, data, expiresAt } })),
      ),
    );
  }

  private async readParts(prefix: string, count: number): Promise<unknown> {
    const keys = Array.from({ length: count }, (_, n) => ({ id: `${prefix}/${n}` }));
    const found = new Map<string, Uint8Array>();
    let pending = keys;
    for (let attempt = 0; pending.length && attempt < 10; attempt++) {
      const answer = await this.documents.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of answer.Responses?.[this.tableName] ?? []) found.set(item.id as string, item.data as Uint8Array);
      pending = (answer.UnprocessedKeys?.[this.tableName]?.Keys as { id: string }[] | undefined) ?? [];
    }
    const missing = keys.filter((key) => !found.has(key.id));
    if (missing.length) throw new Error(`job data missing from the table: ${missing.map((key) => key.id).join(', ')}`);
    return JSON.parse(Buffer.concat(keys.map((key) => found.get(key.id)!)).toString());
  }

  private async conditionalUpdate(
    id: string,
    update: string,
    condition: string,
    values: Record<string, unknown>,
    names: Record<string, string> = {},
  ): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(id) AND ${condition}`,
          ExpressionAttributeNames: { '#status': 'status', ...names },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
