// Bundles each entrypoint into one CommonJS file that runs with plain `node` (and in Lambda).
// `--watch` rebuilds on change and restarts the local runner (dist/local.js) after each good build.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
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

// Bundles of their own, loaded on first use: the job runtime (src/jobs/lazy-runtime.ts) and TypeBox's
// checker (src/lambda-event.ts). The other bundles require them from beside themselves instead of
// carrying them.
const APART = { './jobs-runtime': 'lazy-runtime.ts', './typebox-checker': 'lambda-event.ts' };
const bundlesApart = {
  name: 'bundles-apart',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\/(jobs-runtime|typebox-checker)$/ }, (args) =>
      args.importer.endsWith(APART[args.path]) ? { path: `${args.path}.js`, external: true } : undefined,
    );
  },
};

// Modules that the bundles' dependencies require as they load but use later, if ever. Each becomes
// an object with the module's keys whose getters load the real module on first use. The getters
// only read: nothing here assigns to these modules. Only modules that are plain objects can be
// deferred this way (node:assert, a function, cannot).
// - Fastify requires node:https, node:http2 and node:dns, though only listen() uses them, and https
//   brings tls and most of crypto: a fifth of what the bundle added to a Lambda cold start, which
//   never listens. The server (at listen) and the AWS SDK (at its first request) still get them.
// - Fastify requires semver to check the Fastify version a plugin declares, when it is registered.
//   The app's own plugins declare none; @fastify/swagger does, and it is registered only to make
//   the OpenAPI document (src/plugins/openapi.ts). semver builds eighty-six regular expressions as
//   it loads.
const BUILTINS_ON_FIRST_USE = ['https', 'http2', 'dns'];
const PACKAGES_ON_FIRST_USE = ['semver'];
const onFirstUse = {
  name: 'on-first-use',
  setup(esbuild) {
    const facade = (target, keys) => `let loaded;
for (const key of ${JSON.stringify(keys)})
  Object.defineProperty(exports, key, { enumerable: true, get: () => (loaded ??= require(${JSON.stringify(target)}))[key] });`;
    const builtins = new RegExp(`^(node:)?(${BUILTINS_ON_FIRST_USE.join('|')})$`);
    esbuild.onResolve({ filter: builtins }, (args) =>
      args.namespace === 'builtin-on-first-use'
        ? { path: args.path, external: true }
        : { path: args.path.replace(/^node:/, ''), namespace: 'builtin-on-first-use' },
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'builtin-on-first-use' }, async ({ path: name }) => ({
      loader: 'js',
      contents: facade(
        `node:${name}`,
        Object.keys(await import(`node:${name}`)).filter((key) => key !== 'default'),
      ),
    }));
    const packages = new RegExp(`^(${PACKAGES_ON_FIRST_USE.join('|')})$`);
    esbuild.onResolve({ filter: packages }, async ({ path, resolveDir, kind, pluginData }) => {
      if (pluginData === 'on-first-use') return undefined;
      const resolved = await esbuild.resolve(path, { resolveDir, kind, pluginData: 'on-first-use' });
      return resolved.errors.length ? { errors: resolved.errors } : { path: resolved.path, namespace: 'package-on-first-use' };
    });
    esbuild.onLoad({ filter: /.*/, namespace: 'package-on-first-use' }, ({ path }) => ({
      loader: 'js',
      resolveDir: dirname(path),
      contents: facade(path, Object.keys(createRequire(path)(path))),
    }));
  },
};

// Every pino() call looks up its callers' files (util.getCallSites) only to resolve a transport's
// relative target, and the bundles use no transport. In a one-file bundle the lookup makes V8 index
// the lines of the whole 0.9 MB script on the Lambda cold start's path.
const pinoWithoutCallerLookup = {
  name: 'pino-without-caller-lookup',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]pino[\\/]lib[\\/]caller\.js$/ }, () => ({
      contents: 'module.exports = () => [];',
      loader: 'js',
    }));
  },
};

// Route validators and serializers compiled while building (src/schema-catalogue.ts): the app is
// bundled and run once to collect the standalone code of every route schema, which then takes the
// place of src/precompiled-schemas.ts in the bundles. A cold start then neither loads Ajv and
// fast-json-stringify nor compiles. Each module's code runs when its route first needs it; what
// it requires (Ajv's runtime helpers and ajv-formats' formats, fast-json-stringify's serializer) is
// found from the compiler that wrote it, which depends on it.
async function precompiledSchemas(plugins) {
  const catalogue = await build({
    stdin: {
      contents: "require('./schema-catalogue').schemaCatalogue().then((catalogue) => process.stdout.write(JSON.stringify(catalogue)));",
      resolveDir: 'src',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    plugins,
    logLevel: 'warning',
  });
  const { validators, serializers } = JSON.parse(
    execFileSync(process.execPath, ['-'], { input: catalogue.outputFiles[0].text, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
  );
  const fromCompiler = (compiler) => {
    const requireFrom = createRequire(createRequire(import.meta.url).resolve(compiler));
    return ({ key, code }) => ({
      key,
      code: code.replace(/require\((["'])([^"']+)\1\)/g, (_, quote, id) => `require(${JSON.stringify(requireFrom.resolve(id))})`),
    });
  };
  // Routes often share a schema (every error envelope, a GET and its HEAD): each code appears once.
  const codes = [];
  const table = (sources) =>
    Object.fromEntries(
      sources.map(({ key, code }) => {
        const index = codes.indexOf(code);
        return [key, index === -1 ? codes.push(code) - 1 : index];
      }),
    );
  const tables = {
    validators: table(validators.map(fromCompiler('@fastify/ajv-compiler'))),
    serializers: table(serializers.map(fromCompiler('@fastify/fast-json-stringify-compiler'))),
  };
  const contents = `const codes = [
${codes.map((code) => `(module) => {\n${code}\n}`).join(',\n')}
];
const loader = (table) => (key) => {
  const code = Object.hasOwn(table, key) ? codes[table[key]] : undefined;
  if (!code) return undefined;
  return () => {
    const module = { exports: {} };
    code(module);
    return module.exports;
  };
};
exports.precompiledValidator = loader(${JSON.stringify(tables.validators)});
exports.precompiledSerializer = loader(${JSON.stringify(tables.serializers)});`;
  return {
    name: 'precompiled-schemas',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^\.\/precompiled-schemas$/ }, (args) =>
        args.importer.endsWith('lazy-schema-compilers.ts') ? { path: 'precompiled-schemas', namespace: 'precompiled-schemas' } : undefined,
      );
      esbuild.onLoad({ filter: /.*/, namespace: 'precompiled-schemas' }, () => ({ contents, resolveDir: '.', loader: 'js' }));
    },
  };
}

const plugins = [withoutYaml, bundlesApart, onFirstUse, pinoWithoutCallerLookup];

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
    'typebox-checker': 'src/typebox-checker.ts',
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
  plugins,
  logLevel: 'info',
};

if (!process.argv.includes('--watch')) {
  await build({ ...options, plugins: [...plugins, await precompiledSchemas(plugins)] });
} else {
  // While developing, routes compile their validators and serializers on first use (schemas change between builds).
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
