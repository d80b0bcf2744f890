import { stdSerializers } from 'pino';
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { AppConfig } from './config';
import type { Compute } from './routes/root';

/**
 * One log line per request, when it completes. Fastify's default writes two (incoming and
 * completed) with the whole request and reply serialized, which doubles the logging cost for
 * little extra information.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime),
    };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}

/** Where log lines go; stdout, written synchronously, unless an entrypoint says otherwise. */
export type LogStream = { write(line: string): void };

/** The same JSON fields on both computes; pid and hostname mean little in a task or a sandbox. */
export function loggerOptions(logLevel: AppConfig['logLevel'], compute: Compute, stream?: LogStream): FastifyServerOptions['logger'] {
  return {
    level: logLevel,
    base: { service: 'switchyard-api', compute },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    // pino reports an error's type by its constructor's name, which the minified bundles shorten
    // to a letter or two; the error's own name survives minification and is what people search for.
    serializers: { err: (error: Error) => ({ ...stdSerializers.err(error), type: error.name }) },
    ...(stream ? { stream } : {}),
  };
}
