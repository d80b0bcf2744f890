// Bundles each entrypoint into one CommonJS file that runs with plain `node` (and in Lambda).
// `--watch` rebuilds on change and restarts the local runner (dist/local.js) after each good build.
import { spawn } from 'node:child_process';
import { build, context } from 'esbuild';

// @fastify/swagger requires `yaml` for YAML output, which the service never serves (only
// /openapi.json). A stub keeps 250 KB out of every bundle and off every cold start.
const withoutYaml = {
  name: 'without-yaml',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^yaml$/ }, () => ({ path: 'yaml', namespace: 'without-yaml' }));
    esbuild.onLoad({ filter: /.*/, namespace: 'without-yaml' }, () => ({
      contents:
        'const absent = () => { throw new Error("YAML output is not part of this build"); };\nmodule.exports = { stringify: absent, parse: absent };',
      loader: 'js',
    }));
  },
};

// The job runtime is a bundle of its own, loaded on first use (src/jobs/lazy-runtime.ts): the
// other bundles require it from beside themselves instead of carrying it.
const jobsRuntimeApart = {
  name: 'jobs-runtime-apart',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\/jobs-runtime$/ }, (args) =>
      args.importer.endsWith('lazy-runtime.ts') ? { path: './jobs-runtime.js', external: true } : undefined,
    );
  },
};

const options = {
  // lambda.js is a small loader that runs lambda-app.js (the app) with V8's code cache; see src/lambda.ts.
  entryPoints: {
    lambda: 'src/lambda.ts',
    'lambda-app': 'src/lambda-app.ts',
    server: 'src/server.ts',
    local: 'src/local.ts',
    job: 'src/job.ts',
    'local-invoke': 'src/local-invoke.ts',
    'jobs-runtime': 'src/jobs/jobs-runtime.ts',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  legalComments: 'none',
  // Less to read and parse at every cold start; the source maps lead back to the source. Names
  // are not kept: esbuild keeps them by redefining the name of every function as it is created,
  // closures made per request included, which cost a tenth of the server's CPU under load.
  // Logs report an error's name instead (logging.ts), and plugins are registered by explicit name.
  minify: true,
  plugins: [withoutYaml, jobsRuntimeApart],
  logLevel: 'info',
};

if (!process.argv.includes('--watch')) {
  await build(options);
} else {
  let local;
  const restartLocal = {
    name: 'restart-local',
    setup(esbuild) {
      esbuild.onEnd(async (result) => {
        if (result.errors.length) return;
        if (local) {
          const stopped = new Promise((resolve) => local.once('exit', resolve));
          local.kill('SIGTERM');
          await stopped;
        }
        local = spawn(process.execPath, ['dist/local.js'], { stdio: 'inherit' });
      });
    },
  };
  const ctx = await context({ ...options, plugins: [...options.plugins, restartLocal] });
  await ctx.watch();
  const shutdown = async () => {
    await ctx.dispose();
    local?.kill('SIGTERM');
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
