/*
 * pnpm sandbox <up [environment] | down | status | env> [--help]
 *
 * AWS on loopback, for rehearsals and CI: `up` starts a local AWS (moto's server behind the
 * fidelity layer, with the ECS agent and Lambda's invoker) and deploys the stack into it with the
 * real `cdktf deploy`; `down` destroys what was deployed and stops everything `up` started.
 */
import { parseArgs } from 'node:util';
import { ENVIRONMENTS } from '@switchyard/infra/environments';
import { findHaproxy, HAPROXY_INSTALL_HINT } from './data-plane/haproxy-process';
import { parseRuleDelay } from './data-plane/rule-delay';
import { findMoto, MOTO_INSTALL_HINT } from './local-aws/moto-server';
import { Sandbox, SandboxError } from './sandbox';

const USAGE = `usage: pnpm sandbox <command> [options]

  up [environment]   start the local AWS (if it is not running) and deploy the stack into it
                     (environment: ${Object.keys(ENVIRONMENTS).join(' | ')}; default dev)
  down               destroy every stack deployed into it, then stop it; nothing is left running
  status             what runs, where, and which stacks are deployed
  env                the shell lines that point pnpm flip, pnpm cdktf and the AWS CLI at it:
                     eval "$(pnpm -s sandbox env)"

options:
  --image <uri>      up: deploy this image reference instead of building docker/Dockerfile
  --bundles          up: run the built bundles as processes, even where podman could run the image
                     (without podman or docker-registry, that is what happens, and up says so)
  --rule-delay <s>   up: how late listener rule changes reach the load balancer, in seconds: 0, 20,
                     or a range drawn from at random for each change (default 0-20, as AWS applies
                     rule changes gradually); a running sandbox takes it at once
  -h, --help         this text`;

function usage(message: string): never {
  console.error(`sandbox: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        image: { type: 'string' },
        bundles: { type: 'boolean' },
        'rule-delay': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, ...rest] = positionals;
  const sandbox = new Sandbox();
  switch (command) {
    case 'up': {
      const [environment = 'dev', ...extra] = rest;
      if (extra.length) usage(`up takes one environment; got ${rest.join(' ')}`);
      if (!ENVIRONMENTS[environment]) usage(`unknown environment "${environment}"; known: ${Object.keys(ENVIRONMENTS).join(', ')}`);
      let ruleDelay;
      try {
        ruleDelay = values['rule-delay'] === undefined ? undefined : parseRuleDelay(values['rule-delay']);
      } catch (err) {
        usage((err as Error).message);
      }
      if (!findMoto()) {
        console.error(`sandbox: ${MOTO_INSTALL_HINT}`);
        return 2;
      }
      if (!findHaproxy()) {
        console.error(`sandbox: ${HAPROXY_INSTALL_HINT}`);
        return 2;
      }
      await sandbox.up(environment, {
        ...(values.image ? { imageUri: values.image } : {}),
        ...(ruleDelay ? { ruleDelay } : {}),
        bundles: values.bundles ?? false,
      });
      return 0;
    }
    case 'down':
      if (rest.length) usage('down takes no arguments');
      await sandbox.down();
      return 0;
    case 'status':
      if (rest.length) usage('status takes no arguments');
      console.log(await sandbox.status());
      return 0;
    case 'env':
      if (rest.length) usage('env takes no arguments');
      console.log(sandbox.shellEnvironment());
      return 0;
    case undefined:
      usage('a command is needed');
    // falls through: usage() never returns
    default:
      usage(`unknown command "${command}"`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`sandbox: ${err instanceof SandboxError ? err.message : (err.stack ?? err.message)}`);
    process.exit(1);
  },
);
