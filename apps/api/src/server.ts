import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { loadJobsConfig } from './jobs/jobs-config';
import { batchedStdout } from './logging';

/** Fargate entry: a plain HTTP server with a graceful drain on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const jobs = loadJobsConfig(process.env);
  const app = buildApp({ config, compute: 'fargate', logStream: batchedStdout(), ...(jobs ? { jobs } : {}) });
  // Node's default (60 s) must not cut a request off before the keep-alive timeout does.
  app.server.headersTimeout = app.initialConfig.keepAliveTimeout! + 1_000;

  // ECS deregisters the task from the ALB before it sends SIGTERM, so from here on only requests
  // already in flight (and stragglers on open connections) matter: let them finish, then exit 0.
  closeWithGrace({ delay: config.shutdownTimeoutMs, logger: app.log }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'fatal error, shutting down');
    else app.log.info({ signal }, 'draining before exit');
    app.drain.start();
    await app.close();
  });

  await app.listen({ host: config.host, port: config.port });

  // Started by the local runner (pnpm start) with an IPC channel: when the runner goes, even killed
  // outright, the channel closes and the server drains and exits rather than living on. ECS opens no channel.
  if (process.send) process.once('disconnect', () => process.emit('SIGTERM'));
}

main().catch((err: unknown) => {
  // Before the logger exists (bad env) a plain message on stderr is the clearest thing to give.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
