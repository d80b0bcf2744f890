// Bundles each entrypoint into one CommonJS file that runs with plain `node` (and in Lambda).
import { build, context } from 'esbuild';

const options = {
  entryPoints: { lambda: 'src/lambda.ts', server: 'src/server.ts', local: 'src/local.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'info',
};

if (process.argv.includes('--watch')) {
  await (await context(options)).watch();
} else {
  await build(options);
}
