import { Agent, request } from 'node:http';

/*
 * Open-loop load at a fixed rate: a request leaves every 1/rate s whether or not earlier ones have
 * answered, so a stall shows as failures and latency instead of slowing the load down (a closed
 * loop would hide it). Keep-alive connections, as clients of an ALB keep. Loopback only, bounded
 * in time, and it stops by itself.
 */

export type Outcome = 'ok' | 'client-error' | 'server-error' | 'reset' | 'timeout';

export interface Sample {
  /** When it was sent, in ms since the load started. */
  readonly sentMs: number;
  /** How long until it was answered or failed. */
  readonly latencyMs: number;
  readonly outcome: Outcome;
  readonly status?: number;
  /** Which compute answered (`GET /` says), when it did. */
  readonly compute?: string;
}

export interface SteadyLoadOptions {
  /** A loopback URL. */
  readonly url: string;
  /** Requests per second. */
  readonly rate: number;
  /** The load stops by itself after this long, even if nobody stops it. */
  readonly maxSeconds: number;
  /** A request not answered within this fails as a timeout. @default 10 s */
  readonly timeoutMs?: number;
}

export interface SteadyLoad {
  readonly startedAt: number;
  /** Stops sending and waits for the requests in flight. */
  stop(): Promise<Sample[]>;
  /** What has been answered so far. */
  samples(): readonly Sample[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function startSteadyLoad(options: SteadyLoadOptions): SteadyLoad {
  const url = new URL(options.url);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`the load targets loopback only, not ${url.hostname}`);
  if (!(options.rate > 0 && options.rate <= 1000)) throw new Error(`rate must be 1 to 1000 requests per second, not ${options.rate}`);
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Enough connections that no request waits for one: a queue in the client would hide a stall as latency.
  const agent = new Agent({ keepAlive: true, maxSockets: Math.ceil(options.rate * (timeoutMs / 1000)) + 16 });
  const startedAt = Date.now();
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;

  const send = () => {
    const sentMs = Date.now() - startedAt;
    const done = new Promise<void>((resolve) => {
      let finished = false;
      const finish = (sample: Omit<Sample, 'sentMs' | 'latencyMs'>) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        samples.push({ sentMs, latencyMs: Date.now() - startedAt - sentMs, ...sample });
        resolve();
      };
      const req = request(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', () => finish({ outcome: 'reset' }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          let compute: string | undefined;
          try {
            compute = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { compute?: string }).compute;
          } catch {
            // Not the app's answer (a load balancer's own error page): no compute.
          }
          const outcome: Outcome = status >= 500 ? 'server-error' : status >= 400 ? 'client-error' : 'ok';
          finish({ outcome, status, ...(compute ? { compute } : {}) });
        });
      });
      // The whole request, not one idle spell: an answer that trickles in is still late.
      const timer = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs);
      req.on('error', (err) => finish({ outcome: err.message === 'timeout' ? 'timeout' : 'reset' }));
      req.end();
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  // Paced from the start time, not from the last tick, so timer drift does not lower the rate.
  const interval = 1000 / options.rate;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const due = Math.floor((Date.now() - startedAt) / interval) + 1;
    while (sent < due) {
      sent += 1;
      send();
    }
    if (Date.now() - startedAt < options.maxSeconds * 1000) timer = setTimeout(tick, Math.max(1, interval / 2));
    else timer = undefined;
  };
  tick();

  return {
    startedAt,
    samples: () => samples,
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await Promise.all(inFlight);
      agent.destroy();
      return [...samples].sort((a, b) => a.sentMs - b.sentMs);
    },
  };
}
