import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@switchyard/api/local-table';
import {
  startLoadBalancer,
  type ForwardedRequest,
  type LoadBalancer,
  type LoadBalancerOptions,
  type TargetHealthCheck,
  type TargetHealthState,
} from './haproxy';
import { BRIDGE_ANSWER_HEADER, BRIDGE_ANSWERS } from './request-log';

/*
 * A real HAProxy in front of real HTTP servers on loopback. Nothing here waits a fixed time and then
 * asserts: every wait polls for what a user would see, with a deadline far above what it takes.
 */

const CHECK: TargetHealthCheck = {
  path: '/ready',
  intervalSeconds: 0.3,
  timeoutSeconds: 1,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  matcher: '200',
};
const DEADLINE_MS = 20_000;

/** A stand-in for a task or the Lambda bridge: answers its name, and its health check as told. */
interface FakeTarget {
  readonly name: string;
  readonly port: number;
  /** What the health check path answers. */
  checkStatus: number;
  /** Requests to /slow waiting for `releaseSlow`, and health checks too while `holdChecks` is set. */
  readonly slow: (() => void)[];
  holdChecks: boolean;
  releaseSlow(): void;
}

let root: string;
let balancer: LoadBalancer | undefined;
const servers: Server[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'data-plane-'));
});
afterEach(async () => {
  await balancer?.stop();
  balancer = undefined;
  await Promise.all(
    servers.splice(0).map((server) => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections(); // a request a failed test left waiting must not hold the server open
      return closed;
    }),
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function fakeTarget(name: string, checkPath = CHECK.path): Promise<FakeTarget> {
  const target: FakeTarget = {
    name,
    port: 0,
    checkStatus: 200,
    slow: [],
    holdChecks: false,
    releaseSlow() {
      for (const release of this.slow.splice(0)) release();
    },
  };
  const server = createServer((req, res) => {
    if (req.url === checkPath) res.statusCode = target.checkStatus;
    else if (req.url !== '/' && req.url !== '/slow') res.statusCode = 404;
    if (req.url === '/slow' || (req.url === checkPath && target.holdChecks)) target.slow.push(() => res.end(name));
    else res.end(name);
  });
  server.keepAliveTimeout = 1000;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(target, { port: (server.address() as { port: number }).port });
}

async function start(lambda?: FakeTarget, options: Partial<LoadBalancerOptions> = {}): Promise<LoadBalancer> {
  const lambdaTarget = lambda ?? (await fakeTarget('lambda'));
  balancer = await startLoadBalancer({
    stateDir: mkdtempSync(join(root, 'state-')),
    port: await freePort(),
    lambdaTarget: { host: '127.0.0.1', port: lambdaTarget.port },
    ...options,
  });
  return balancer;
}

const at = (target: FakeTarget) => ({ host: '127.0.0.1', port: target.port });

/** One request on a fresh connection: status and body, or the error's code for a cut connection. */
function get(url: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function answeredBy(url: string, count: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i += 1) {
    const { status, body } = await get(url);
    const key = status === 200 ? body : String(status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${DEADLINE_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function healthOf(lb: LoadBalancer): Promise<Record<string, TargetHealthState>> {
  return Object.fromEntries((await lb.targets()).map((target) => [target.id, target.health]));
}

function untilHealth(lb: LoadBalancer, expected: Record<string, TargetHealthState>) {
  const matches = (health: Record<string, TargetHealthState>) => JSON.stringify(health) === JSON.stringify(expected);
  return eventually(() => healthOf(lb), matches, `target health ${JSON.stringify(expected)}`);
}

describe('the listener rule', () => {
  it.each([
    { lambda: 100, fargate: 0, expected: { lambda: 40 } },
    { lambda: 0, fargate: 100, expected: { 'task-a': 40 } },
  ])('sends every request where the weights say ($lambda/$fargate)', async ({ lambda, fargate, expected }) => {
    const lb = await start();
    const task = await fakeTarget('task-a');
    await lb.addTarget('arn:aws:ecs:us-east-1:123456789012:task/switchyard/a', at(task), CHECK);
    await untilHealth(lb, { 'arn:aws:ecs:us-east-1:123456789012:task/switchyard/a': 'healthy' });

    await lb.setWeights(lambda, fargate);

    expect(await lb.weights()).toEqual({ lambda, fargate });
    expect(await answeredBy(lb.url, 40)).toEqual(expected);
  });

  it('splits 50/50 between the target groups, and a task is one target of its group', async () => {
    const lb = await start();
    for (const name of ['task-a', 'task-b']) {
      const task = await fakeTarget(name);
      await lb.addTarget(name, at(task), CHECK);
    }
    await untilHealth(lb, { 'task-a': 'healthy', 'task-b': 'healthy' });

    await lb.setWeights(50, 50);

    const counts = await answeredBy(lb.url, 200);
    const fargate = (counts['task-a'] ?? 0) + (counts['task-b'] ?? 0);
    expect(counts.lambda! + fargate).toBe(200);
    // A fair draw lands within ±40 of 100 all but once in ten million runs.
    expect(counts.lambda).toBeGreaterThan(60);
    expect(fargate).toBeGreaterThan(60);
    expect(counts['task-a']).toBeGreaterThan(0);
    expect(counts['task-b']).toBeGreaterThan(0);
  });

  it('answers 503 for the IP target group while it has no registered targets', async () => {
    const lb = await start();
    await lb.setWeights(0, 100);

    expect(await answeredBy(lb.url, 5)).toEqual({ '503': 5 });
    expect(await lb.targets()).toEqual([]);
  });
});

describe('health checks', () => {
  it('routes only to healthy targets, by the check path and matcher', async () => {
    // 200 is outside this matcher: only a target answering 204 or 202 on /deep/ready is healthy.
    const check = { ...CHECK, path: '/deep/ready', matcher: '202,204' };
    const lb = await start();
    const good = await fakeTarget('good', '/deep/ready');
    const bad = await fakeTarget('bad', '/deep/ready');
    good.checkStatus = 204;
    bad.checkStatus = 200;
    await lb.setWeights(0, 100);
    await lb.addTarget('good', at(good), check);
    await lb.addTarget('bad', at(bad), check);

    await untilHealth(lb, { good: 'healthy', bad: 'unhealthy' });
    expect(await answeredBy(lb.url, 20)).toEqual({ good: 20 });

    good.checkStatus = 500;
    bad.checkStatus = 202;
    await untilHealth(lb, { good: 'unhealthy', bad: 'healthy' });
    expect(await answeredBy(lb.url, 20)).toEqual({ bad: 20 });
  });

  it('sends nothing to a target before its first check passes, not even by failing open', async () => {
    const lb = await start();
    const task = await fakeTarget('task');
    task.holdChecks = true;
    await lb.setWeights(0, 100);
    await lb.addTarget('task', at(task), { ...CHECK, timeoutSeconds: 60 });
    await eventually(
      async () => task.slow.length,
      (n) => n > 0,
      'the first health check reaching the target',
    );

    expect(await healthOf(lb)).toEqual({ task: 'initial' });
    expect(await answeredBy(lb.url, 5)).toEqual({ '503': 5 });

    task.holdChecks = false;
    task.releaseSlow();
    await untilHealth(lb, { task: 'healthy' });
    expect(await answeredBy(lb.url, 5)).toEqual({ task: 5 });
  });

  it('fails open to every registered target when none is healthy', async () => {
    const lb = await start();
    const a = await fakeTarget('a');
    const b = await fakeTarget('b');
    a.checkStatus = 500;
    b.checkStatus = 500;
    await lb.setWeights(0, 100);
    await lb.addTarget('a', at(a), CHECK);
    await lb.addTarget('b', at(b), CHECK);

    await untilHealth(lb, { a: 'unhealthy', b: 'unhealthy' });
    const counts = await answeredBy(lb.url, 20);
    expect(counts.a! + counts.b!).toBe(20);
  });
});

describe("the IP target group's health check", () => {
  it('comes with the first target, by a reload that cuts no request in flight', async () => {
    const lambda = await fakeTarget('lambda');
    const lb = await start(lambda);
    const inFlight = get(`${lb.url}/slow`);
    await eventually(
      async () => lambda.slow.length,
      (n) => n === 1,
      'the slow request reaching Lambda',
    );
    const task = await fakeTarget('task', '/deep/ready');

    await lb.addTarget('task', at(task), { ...CHECK, path: '/deep/ready' });

    lambda.releaseSlow();
    expect(await inFlight).toMatchObject({ status: 200, body: 'lambda' });
    await untilHealth(lb, { task: 'healthy' });
    expect(await answeredBy(lb.url, 5)).toEqual({ lambda: 5 });
  });

  it('is one per target group: another is refused while targets are registered', async () => {
    const lb = await start();
    const a = await fakeTarget('a');
    const b = await fakeTarget('b', '/other');
    await lb.addTarget('a', at(a), CHECK);

    await expect(lb.addTarget('b', at(b), { ...CHECK, path: '/other' })).rejects.toThrow(/health check/);
    // What HAProxy keeps per server may differ.
    await lb.addTarget('b', at(b), { ...CHECK, intervalSeconds: 0.5, healthyThreshold: 3 });
    await untilHealth(lb, { a: 'healthy', b: 'unhealthy' });

    await lb.removeTarget('a');
    await lb.removeTarget('b');
    await lb.addTarget('b', at(b), { ...CHECK, path: '/other' });
    await untilHealth(lb, { b: 'healthy' });
  });
});

describe('deregistration', () => {
  it('lets a request in flight finish on a draining target while new ones go elsewhere, then removes it', async () => {
    const lb = await start();
    const old = await fakeTarget('old');
    await lb.setWeights(0, 100);
    await lb.addTarget('old', at(old), CHECK);
    await untilHealth(lb, { old: 'healthy' });
    const inFlight = get(`${lb.url}/slow`);
    await eventually(
      async () => old.slow.length,
      (n) => n === 1,
      'the slow request reaching the old target',
    );
    const replacement = await fakeTarget('new');
    await lb.addTarget('new', at(replacement), CHECK);
    await untilHealth(lb, { old: 'healthy', new: 'healthy' });

    await lb.drainTarget('old');

    expect(await lb.targets()).toContainEqual(expect.objectContaining({ id: 'old', health: 'draining', sessions: 1 }));
    expect(await answeredBy(lb.url, 10)).toEqual({ new: 10 });
    const removed = lb.removeTarget('old');
    old.releaseSlow();
    expect(await inFlight).toMatchObject({ status: 200, body: 'old' });
    await removed;
    expect((await lb.targets()).map((target) => target.id)).toEqual(['new']);
  });

  it('closes what is still in flight when the deregistration delay elapses', async () => {
    const lb = await start();
    const stuck = await fakeTarget('stuck');
    await lb.setWeights(0, 100);
    await lb.addTarget('stuck', at(stuck), CHECK);
    await untilHealth(lb, { stuck: 'healthy' });
    const inFlight = get(`${lb.url}/slow`).catch((error: NodeJS.ErrnoException) => ({ status: 0, body: error.code ?? '' }));
    await eventually(
      async () => stuck.slow.length,
      (n) => n === 1,
      'the slow request reaching the target',
    );

    await lb.removeTarget('stuck', 1);

    expect((await inFlight).status).not.toBe(200);
    expect(await lb.targets()).toEqual([]);
    stuck.releaseSlow();
  });
});

describe('the request log', () => {
  /** Starts a load balancer whose forwarded requests are collected, and waits for `count` of them. */
  async function logged(options: Partial<LoadBalancerOptions> = {}, lambda?: FakeTarget) {
    const forwarded: ForwardedRequest[] = [];
    const lb = await start(lambda, { ...options, onRequest: (entry) => forwarded.push(entry) });
    const reported = (count: number) =>
      eventually(
        async () => forwarded.slice(),
        (entries) => entries.length >= count,
        `${count} request lines`,
      );
    return { lb, reported };
  }

  it("reports each request as it ends: a target's answer with its response time, no target as the load balancer's 503", async () => {
    const { lb, reported } = await logged();
    await lb.setWeights(0, 100);
    const before = Date.now();
    expect((await get(`${lb.url}/`)).status).toBe(503);
    const task = await fakeTarget('task');
    await lb.addTarget('task', at(task), CHECK);
    await untilHealth(lb, { task: 'healthy' });
    expect((await get(`${lb.url}/missing`)).status).toBe(404);
    await lb.setWeights(100, 0);
    expect((await get(`${lb.url}/`)).status).toBe(200);

    const [none, answered, lambda] = await reported(3);
    expect(none).toEqual({
      targetGroup: 'ip',
      request: expect.objectContaining({ targetChosen: false, status: 503, answeredBy: 'load-balancer', targetResponseSeconds: undefined }),
    });
    expect(answered).toEqual({
      targetGroup: 'ip',
      request: expect.objectContaining({ targetChosen: true, status: 404, answeredBy: 'target', targetConnectionErrors: 0 }),
    });
    expect(answered!.request.targetResponseSeconds).toBeGreaterThanOrEqual(0);
    expect(lambda).toEqual({ targetGroup: 'lambda', request: expect.objectContaining({ status: 200, answeredBy: 'target' }) });
    for (const { request } of [none!, answered!, lambda!]) {
      expect(request.at).toBeGreaterThanOrEqual(before);
      expect(request.at).toBeLessThanOrEqual(Date.now());
    }
  });

  it("reports a target that does not answer within the idle timeout as the load balancer's 504", async () => {
    const { lb, reported } = await logged({ idleTimeoutSeconds: 1 });
    const task = await fakeTarget('task');
    await lb.setWeights(0, 100);
    await lb.addTarget('task', at(task), CHECK);
    await untilHealth(lb, { task: 'healthy' });

    expect((await get(`${lb.url}/slow`)).status).toBe(504);

    const [timedOut] = await reported(1);
    expect(timedOut!.request).toEqual(
      expect.objectContaining({ targetChosen: true, status: 504, answeredBy: 'load-balancer', targetResponseSeconds: undefined }),
    );
    task.releaseSlow();
  });

  it('reports the connections a target refused, when the group fails open to it', async () => {
    const { lb, reported } = await logged();
    const gone = await freePort();
    await lb.setWeights(0, 100);
    await lb.addTarget('gone', { host: '127.0.0.1', port: gone }, CHECK);
    await untilHealth(lb, { gone: 'unhealthy' });

    expect((await get(`${lb.url}/`)).status).toBe(503);

    const [refused] = await reported(1);
    expect(refused!.request).toEqual(expect.objectContaining({ targetChosen: true, status: 503, answeredBy: 'load-balancer' }));
    expect(refused!.request.targetConnectionErrors).toBeGreaterThanOrEqual(1);
  });

  it("takes the bridge's mark into the log and away from the client", async () => {
    const bridge = createServer((req, res) => {
      if (req.url === '/failed') res.writeHead(502, { [BRIDGE_ANSWER_HEADER]: BRIDGE_ANSWERS.lambdaUserError }).end('bad gateway');
      else res.end('lambda');
    });
    servers.push(bridge);
    await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve));
    const lambda = { port: (bridge.address() as { port: number }).port } as FakeTarget;
    const { lb, reported } = await logged({}, lambda);

    const failed = await get(`${lb.url}/failed`);

    expect(failed.status).toBe(502);
    expect(failed.headers).not.toHaveProperty(BRIDGE_ANSWER_HEADER);
    const [entry] = await reported(1);
    expect(entry).toEqual({
      targetGroup: 'lambda',
      request: expect.objectContaining({ status: 502, answeredBy: 'load-balancer', lambdaError: 'user', targetResponseSeconds: undefined }),
    });
  });
});

describe('stop', () => {
  it('leaves no HAProxy process and nothing outside its state dir', async () => {
    const stateDir = mkdtempSync(join(root, 'state-'));
    const before = readdirSync(tmpdir());
    const lambda = await fakeTarget('lambda');
    const lb = await startLoadBalancer({
      stateDir,
      port: await freePort(),
      lambdaTarget: at(lambda),
    });
    balancer = lb;
    expect(await answeredBy(lb.url, 2)).toEqual({ lambda: 2 });

    await lb.stop();

    const running = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(stateDir);
        } catch {
          return false; // gone meanwhile
        }
      });
    expect(running).toEqual([]);
    expect(readdirSync(tmpdir()).filter((entry) => !before.includes(entry))).toEqual([]);
    expect(readdirSync(stateDir).sort()).toEqual(['haproxy.cfg', 'lambda-share.acl', 'listener.acl']);
  });
});
