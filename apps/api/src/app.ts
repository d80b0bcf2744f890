import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AppConfig } from './config';
import { clientErrorHandler } from './client-errors';
import { lazySchemaCompilers, type CompilersFactory } from './lazy-schema-compilers';
import { loggerOptions, type LogStream } from './logging';
import { RequestLogController } from './request-log-controller';
import { drain } from './plugins/drain';
import { errorEnvelope } from './plugins/error-envelope';
import { openapi, servedOpenapi } from './plugins/openapi';
import { requestIdHeader } from './plugins/request-id-header';
import { unreadBody } from './plugins/unread-body';
import { requestIdFor } from './request-id';
import type { JobsConfig } from './jobs/jobs-config';
import type { JobsRuntime } from './jobs/jobs-runtime';
import { lazyJobsRuntime } from './jobs/lazy-runtime';
import { greetingRoutes } from './routes/greetings';
import { jobRoutes } from './routes/jobs';
import { healthRoutes } from './routes/health';
import { rootRoute, type Compute } from './routes/root';
import { transformRoutes } from './routes/transforms';
import { userRoutes } from './routes/users';
import { workRoute } from './routes/work';
import { KEEP_ALIVE_TIMEOUT_MS } from '@switchyard/domain/timing-budget';

export type { Compute };

export interface AppOptions {
  config: Pick<AppConfig, 'logLevel' | 'bodyLimitBytes'>;
  /** Set by the entrypoint, never by env: the same image runs as either. */
  compute: Compute;
  /** Where log lines go. @default stdout, synchronously */
  logStream?: LogStream;
  /** The job table and where jobs run (jobs-config.ts). @default none: the job routes answer 503 */
  jobs?: JobsConfig;
  /** How route schemas become validators and serializers. @default lazySchemaCompilers(): on first use, or as the build precompiled them */
  schemaCompilers?: CompilersFactory;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The job runtime, loaded on first use; absent when the app was built without a jobs configuration. */
    jobs?: () => JobsRuntime;
  }
}

function fastifyOptions({ config, compute, logStream, schemaCompilers }: AppOptions): FastifyServerOptions {
  return {
    logger: loggerOptions(config.logLevel, compute, logStream),
    logController: new RequestLogController(),
    genReqId: requestIdFor,
    bodyLimit: config.bodyLimitBytes,
    // Longer than the ALB's idle timeout, or the ALB reuses a socket the server has just closed (502s).
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    // The drain plugin answers with our error envelope instead.
    return503OnClosing: false,
    clientErrorHandler,
    // Route schemas come from TypeBox and are tested; checking them against the JSON Schema
    // meta-schema at every start costs a Lambda cold start tens of milliseconds. Unchecked, the
    // meta-schema is not needed at all, and Ajv's adding it was most of making an Ajv instance.
    ajv: { customOptions: { validateSchema: false, meta: false } },
    schemaController: { compilersFactory: schemaCompilers ?? lazySchemaCompilers() },
  };
}

/** Builds the service. Never listens: the entrypoints decide how requests arrive. */
export function buildApp(options: AppOptions): FastifyInstance {
  return build(options, false);
}

/** `documenting`: the app registers @fastify/swagger itself, for its twin to make the OpenAPI document (plugins/openapi.ts). */
function build(options: AppOptions, documenting: boolean): FastifyInstance {
  const app = Fastify(fastifyOptions(options)).withTypeProvider<TypeBoxTypeProvider>();

  if (documenting) void app.register(openapi);
  else void app.register(servedOpenapi, { documented: () => build(options, true) });
  void app.register(errorEnvelope);
  void app.register(drain);
  void app.register(unreadBody);
  void app.register(requestIdHeader);

  void app.register(rootRoute, { compute: options.compute });
  void app.register(greetingRoutes);
  void app.register(transformRoutes);
  void app.register(userRoutes);
  void app.register(workRoute);
  const jobs = options.jobs ? lazyJobsRuntime(options.jobs, app.log) : undefined;
  if (jobs) {
    app.decorate('jobs', jobs.get);
    // Jobs running in this process finish within the drain if they can; the rest record that they were interrupted.
    app.addHook('onClose', async () => jobs.loaded()?.launcher.drain());
  }
  void app.register(jobRoutes, { compute: options.compute, ...(jobs ? { jobs: jobs.get } : {}) });
  void app.register(healthRoutes);

  return app;
}
