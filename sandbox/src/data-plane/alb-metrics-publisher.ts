import type { MetricDatum } from '@aws-sdk/client-cloudwatch';
import { AlbMetricTally, metricData, minuteOf, PERIOD_MS, type HostCounts, type TargetGroupKind } from './alb-metric-tally';
import type { ServedRequest } from './request-log';

/*
 * One load balancer's CloudWatch metrics, published as ELB publishes them: each minute's datapoints
 * shortly after the minute closes. A request counts in the minute it ended; one whose log line comes
 * after its minute was sent goes out with the next minute's, under its own minute's timestamp, and
 * CloudWatch adds the two up (a Sum over a period is the same either way). The health of the IP
 * target group's targets is looked at every HEALTH_SAMPLE_MS.
 */

/** After a minute closes, this long for the log lines of the requests that ended just before to arrive. */
export const PUBLISH_DELAY_MS = 2_000;
/** How often the IP target group's targets are counted for HealthyHostCount and UnHealthyHostCount. */
export const HEALTH_SAMPLE_MS = 10_000;
/** PutMetricData takes at most 1,000 datums a call. https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html */
const MAX_DATA_PER_CALL = 1_000;

export interface IpTargetHealth {
  readonly targetGroupArn: string;
  readonly hosts: HostCounts;
}

export interface AlbMetricsPublisherOptions {
  readonly loadBalancerArn: string;
  /** One PutMetricData call (the namespace is the caller's). */
  readonly putMetricData: (data: MetricDatum[]) => Promise<void>;
  /** The IP target group the listener sends to and its targets' health now; undefined while there is none. */
  readonly ipTargetHealth: () => Promise<IpTargetHealth | undefined>;
  /** How many request log lines HAProxy could not write, so far: each is a request the metrics miss. */
  readonly droppedLogs?: () => Promise<number>;
  /** @default Date.now */
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export class AlbMetricsPublisher {
  private readonly tally = new AlbMetricTally();
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  /** Sends go one at a time, in the order they were asked for. */
  private sending: Promise<void> = Promise.resolve();
  private minuteTimer?: NodeJS.Timeout;
  private healthTimer?: NodeJS.Timeout;
  private running = false;
  private sampling?: Promise<void>;
  private dropped = 0;

  constructor(private readonly options: AlbMetricsPublisherOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
  }

  record(targetGroupArn: string, kind: TargetGroupKind, request: ServedRequest): void {
    this.tally.record(targetGroupArn, kind, request);
  }

  /** Counts the IP target group's healthy and unhealthy targets now. */
  sampleHealth(): Promise<void> {
    const sample = (async () => {
      try {
        const health = await this.options.ipTargetHealth();
        if (health) this.tally.recordHealth(this.now(), health.targetGroupArn, health.hosts);
      } catch (err) {
        this.log(`metrics: cannot read the targets' health: ${(err as Error).message}`);
      }
    })();
    this.sampling = sample;
    return sample;
  }

  /** Publishes the minutes that have closed. */
  publishClosedMinutes(): Promise<void> {
    return this.send(() => minuteOf(this.now()));
  }

  /**
   * Publishes everything counted so far, the current minute included (with one more look at the
   * targets' health): for a reader that cannot wait for the minute to close. What the rest of the
   * minute brings is published with it later, and adds up.
   */
  async flush(): Promise<void> {
    await this.sampleHealth();
    await this.send(() => Infinity);
  }

  /** Publishes each minute as it closes, and samples the targets' health, until `stop`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const nextMinute = () => {
      const wait = minuteOf(this.now()) + PERIOD_MS + PUBLISH_DELAY_MS - this.now();
      this.minuteTimer = setTimeout(() => {
        void this.publishClosedMinutes().finally(() => {
          if (this.running) nextMinute();
        });
      }, wait);
    };
    nextMinute();
    this.healthTimer = setInterval(() => void this.sampleHealth(), HEALTH_SAMPLE_MS);
  }

  /** Stops the timers and publishes what is left, as a deleted load balancer's last minute is still reported. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.minuteTimer);
    clearInterval(this.healthTimer);
    await this.sampling;
    await this.send(() => Infinity);
  }

  private send(before: () => number): Promise<void> {
    this.sending = this.sending.then(async () => {
      const data = this.tally.take(before()).flatMap(([minute, tally]) => metricData(this.options.loadBalancerArn, minute, tally));
      for (let i = 0; i < data.length; i += MAX_DATA_PER_CALL) {
        const call = data.slice(i, i + MAX_DATA_PER_CALL);
        await this.options
          .putMetricData(call)
          .catch((err: Error) => this.log(`metrics: ${call.length} datapoints not published: ${err.message}`));
      }
      await this.checkDroppedLogs();
    });
    return this.sending;
  }

  private async checkDroppedLogs(): Promise<void> {
    const dropped = await this.options.droppedLogs?.().catch(() => undefined);
    if (dropped === undefined || dropped <= this.dropped) return;
    this.log(`metrics: HAProxy could not write ${dropped - this.dropped} request log lines; the metrics miss those requests`);
    this.dropped = dropped;
  }
}
