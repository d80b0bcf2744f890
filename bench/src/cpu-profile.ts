import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { PLACEMENT } from './cpu-pinning';
import { CACHE } from './paths';
import { startServerProcess } from './processes';
import { measured, type Row } from './stats';
import { applyLoad, LOAD_SHAPES, serverNode, TARGETS, type LoadShape, type Target, type Timing } from './throughput';

/*
 * Where a server's CPU goes per request, by part: V8's sampling profiler runs in the server under
 * the bench's load, and each sample taken while the measured load ran is charged to the part of
 * the code it landed in, found through the bundle's source map. Charged per request, switchyard's
 * parts against raw node:http's show what the framework, the app and the logging add.
 */

/** What a sample's own frame (its self time) is charged to, by the original source file. First match wins. */
export const PARTS: ReadonlyArray<{ part: string; source: RegExp }> = [
  {
    part: 'logging',
    source:
      /\/(pino|sonic-boom|pino-std-serializers|fast-redact|quick-format-unescaped|thread-stream)\/|fastify\/lib\/(log-controller|logger-pino|logger-factory)\.js|src\/(logging|request-log-controller)\.ts/,
  },
  { part: 'routing', source: /\/find-my-way\/|fastify\/lib\/(route|handle-request|four-oh-four|head-route)\.js/ },
  {
    part: 'validation',
    source: /\/(ajv|ajv-formats|typebox|@sinclair\/typebox|fast-uri)\/|fastify\/lib\/(validation|schemas)\.js|lazy-schema-compilers\.ts/,
  },
  { part: 'serialization', source: /\/(fast-json-stringify|json-schema-ref-resolver)\/|fastify\/lib\/error-serializer\.js/ },
  { part: 'hooks', source: /fastify\/lib\/(hooks|wrap-thenable)\.js|(^|\/)src\/plugins\// },
  {
    part: 'request and reply objects',
    source: /fastify\/(lib\/)?(request|reply|context|content-type-parser|server|fastify)\.js|request-id\.ts/,
  },
  { part: 'the route handler', source: /(^|\/)src\/routes\/|packages\/domain\/|peers\/|\/express\// },
  { part: 'other libraries', source: /node_modules\// },
  // The bundles' source maps name the app's files relative to dist/: ../src/app.ts.
  { part: "the app's other code", source: /(^|\/)src\// },
];

/** V8's names for samples outside JavaScript; "(program)" is native code: the runtime, libuv and the kernel's calls. */
const NATIVE: Record<string, string> = {
  '(garbage collector)': 'garbage collection',
  '(program)': 'node:http, libuv and the runtime',
  '(root)': 'node:http, libuv and the runtime',
};
const IDLE = '(idle)';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Finds what a profile's frame was in the source, for bundles that carry a source map beside them. */
class Sources {
  private readonly maps = new Map<string, SourceMap | undefined>();

  original(url: string, line: number, column: number): string {
    if (!url.startsWith('file://')) return url;
    const file = new URL(url).pathname;
    if (!this.maps.has(file)) {
      let map: SourceMap | undefined;
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        map = undefined;
      }
      this.maps.set(file, map);
    }
    const entry = this.maps.get(file)?.findEntry(line, column);
    return entry && 'originalSource' in entry ? entry.originalSource : file;
  }
}

/** The part of the code a frame belongs to. */
export function partOf(functionName: string, source: string): string | undefined {
  if (functionName === IDLE) return undefined;
  if (NATIVE[functionName]) return NATIVE[functionName];
  if (source === '' || source.startsWith('node:')) return 'node:http, libuv and the runtime';
  return PARTS.find(({ source: pattern }) => pattern.test(source))?.part ?? 'other';
}

/** CPU time by part, in µs, of the samples taken within [from, to] (µs, the profile's clock). */
export function chargeProfile(profile: CpuProfile, [from, to]: [number, number], sources = new Sources()): Map<string, number> {
  const partOfNode = new Map<number, string | undefined>();
  for (const { id, callFrame } of profile.nodes)
    partOfNode.set(id, partOf(callFrame.functionName, sources.original(callFrame.url, callFrame.lineNumber, callFrame.columnNumber)));
  const charged = new Map<string, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample's time is the interval that ends at it.
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const part = partOfNode.get(profile.samples[i] as number);
    if (part === undefined || at < from || at > to) continue;
    charged.set(part, (charged.get(part) ?? 0) + delta);
  }
  return charged;
}

const PROFILED: readonly Target[] = ['switchyard', 'rawHttp'];
/** One sample every 100 µs: fine enough for parts of a request that cost a microsecond or two each. */
const SAMPLE_INTERVAL_US = 100;

async function profileOnce(
  target: Target,
  shape: LoadShape,
  timing: Timing,
  dir: string,
): Promise<{ parts: Map<string, number>; requests: number }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { name, script, env } = TARGETS[target];
  const server = await startServerProcess(name, script(), env, {
    nodeBinary: serverNode(),
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', String(SAMPLE_INTERVAL_US)],
    cpu: PLACEMENT?.server,
  });
  try {
    const result = await applyLoad({
      url: `${server.url}/hello?name=bench`,
      connections: shape.connections,
      pipelining: shape.pipelining,
      ...timing,
      serverPid: server.child.pid as number,
    });
    await server.terminate();
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`${name} wrote no CPU profile`);
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    return { parts: chargeProfile(profile, result.window), requests: result.requests };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Switchyard (logging on) and raw node:http, profiled under each load shape in interleaved rounds:
 * one row per part of the code, CPU µs per request for switchyard, raw's beside it in the note.
 * The profiler's own cost is in every part alike; the figures say where the time goes, and
 * `HTTP, …: server CPU per request` says how much there is.
 */
export async function measureProfile(rounds: number, timing: Timing = { warmupSeconds: 3, durationSeconds: 6 }): Promise<Row[]> {
  const dir = join(CACHE, 'cpu-profiles');
  const perRequest = new Map<string, number[]>();
  const add = (key: string, value: number) => perRequest.set(key, [...(perRequest.get(key) ?? []), value]);
  for (let round = 0; round < rounds; round++)
    for (const shape of LOAD_SHAPES)
      for (const target of PROFILED) {
        const { parts, requests } = await profileOnce(target, shape, timing, dir);
        for (const part of new Set([...parts.keys(), ...PARTS.map((p) => p.part), ...Object.values(NATIVE), 'other']))
          add(`${shape.name}/${target}/${part}`, (parts.get(part) ?? 0) / requests);
        console.error(`  profile, ${shape.name}, round ${round + 1}: ${TARGETS[target].name}, ${requests} requests`);
      }
  const partNames = [...new Set([...perRequest.keys()].map((key) => key.split('/').slice(2).join('/')))];
  return LOAD_SHAPES.flatMap((shape) => {
    const series = (target: Target, part: string) => perRequest.get(`${shape.name}/${target}/${part}`) ?? [0];
    const total = (target: Target) => partNames.reduce((sum, part) => sum + measured(series(target, part)).value, 0);
    return [
      ...partNames
        .map((part) => ({ part, ours: measured(series('switchyard', part)), raw: measured(series('rawHttp', part)).value }))
        .filter(({ ours, raw }) => ours.value >= 0.05 || raw >= 0.05)
        .sort((a, b) => b.ours.value - b.raw - (a.ours.value - a.raw))
        .map(({ part, ours, raw }) => ({
          metric: `HTTP profile, ${shape.name}: ${part}, switchyard`,
          ...ours,
          unit: 'µs',
          note: `raw node:http ${raw.toFixed(2)} µs; switchyard adds ${(ours.value - raw).toFixed(2)} µs`,
        })),
      {
        metric: `HTTP profile, ${shape.name}: all parts, switchyard`,
        value: total('switchyard'),
        unit: 'µs',
        note: `raw node:http ${total('rawHttp').toFixed(2)} µs, under the profiler (${SAMPLE_INTERVAL_US} µs sampling)`,
      },
    ];
  });
}
