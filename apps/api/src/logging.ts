import pino, { stdSerializers } from 'pino';
import type { FastifyServerOptions } from 'fastify';
import type { AppConfig } from './config';
import type { Compute } from './routes/root';

/** Where log lines go; stdout, written synchronously, unless an entrypoint says otherwise. */
export type LogStream = { write(line: string): void };

/** The longest a log line waits in the batch before it is written. */
export const LOG_BATCH_MAX_DELAY_MS = 100;
/** A batch is written as soon as it holds this many characters: bytes, for the ASCII that log lines mostly are. */
const LOG_BATCH_BYTES = 4096;

/**
 * Stdout for a long-running server: lines are gathered into one string and written together, in
 * one synchronous write once 4 KiB have gathered or 100 ms after the first line, and at exit.
 * Measured under load, a write per line (or pino's asynchronous writer) cost 2-3 µs of CPU per
 * request more than a batch. The batch is gathered here rather than by SonicBoom's `minLength`:
 * SonicBoom measures and queues every line it is given (about 0.75 µs a line, measured), where a
 * string append costs a tenth of that. SonicBoom still does the writing, with its handling of
 * partial writes and EAGAIN. A synchronous write also holds the server back when the log driver
 * cannot keep up, rather than buffering without bound.
 */
export function batchedStdout(fd = 1): LogStream {
  const destination = pino.destination({ dest: fd, sync: true });
  let batch = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (batch === '') return;
    const lines = batch;
    batch = '';
    try {
      destination.write(lines);
    } catch {
      // Stdout is gone (EPIPE) or full past SonicBoom's retries; the server must keep serving.
    }
  };
  process.once('exit', flush);
  return {
    write(line) {
      batch += line;
      if (batch.length >= LOG_BATCH_BYTES) flush();
      else timer ??= setTimeout(flush, LOG_BATCH_MAX_DELAY_MS).unref();
    },
  };
}

let lastMillis = 0;
let lastTime = '';
/** pino's time field as ISO 8601; lines in the same millisecond share one string (toISOString is costly). */
function isoTime(): string {
  const now = Date.now();
  if (now !== lastMillis) {
    lastMillis = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

/** The same JSON fields on both computes; pid and hostname mean little in a task or a sandbox. */
export function loggerOptions(logLevel: AppConfig['logLevel'], compute: Compute, stream?: LogStream): FastifyServerOptions['logger'] {
  return {
    level: logLevel,
    base: { service: 'switchyard-api', compute },
    timestamp: isoTime,
    // pino reports an error's type by its constructor's name, which the minified bundles shorten
    // to a letter or two; the error's own name survives minification and is what people search for.
    serializers: { err: (error: Error) => ({ ...stdSerializers.err(error), type: error.name }) },
    ...(stream ? { stream } : {}),
  };
}
