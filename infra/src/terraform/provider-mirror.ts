import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTOMATION_ENV, runTerraform } from './terraform-runner';

/*
 * Where the AWS provider comes from on a machine without the Terraform registry: a filesystem
 * mirror, named in a CLI configuration of the project's own. The offline tests and the sandbox
 * both install it from there.
 */

export const AWS_PROVIDER_VERSION = '5.100.0';
const PROVIDER_FILE = `terraform-provider-aws_v${AWS_PROVIDER_VERSION}`;
const MIRROR_CANDIDATES = [
  '/opt/tf-plugins',
  join(homedir(), '.terraform.d', 'plugins'),
  '/usr/share/terraform/plugins',
  '/usr/local/share/terraform/plugins',
];

function hasProvider(mirrorRoot: string): boolean {
  const dir = join(mirrorRoot, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION, 'linux_amd64');
  return existsSync(dir) && spawnSync('sh', ['-c', `ls "${dir}" | grep -q "^${PROVIDER_FILE}"`]).status === 0;
}

/** The mirror root (the folder above registry.terraform.io): SWITCHYARD_TF_MIRROR, a known place, or a search. */
export function findProviderMirror(): string | undefined {
  const configured = process.env.SWITCHYARD_TF_MIRROR;
  if (configured) return hasProvider(configured) ? configured : undefined;
  const known = MIRROR_CANDIDATES.find(hasProvider);
  if (known) return known;
  const found = spawnSync('sh', ['-c', `find / -xdev -maxdepth 8 -name '${PROVIDER_FILE}*' -print -quit 2>/dev/null`], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  const file = found.stdout.trim();
  const marker = '/registry.terraform.io/';
  return file.includes(marker) ? file.slice(0, file.indexOf(marker)) : undefined;
}

/** The project's Terraform CLI configuration: the AWS provider from the mirror, nothing from the network. */
export function offlineCliConfig(mirrorRoot: string): string {
  return `provider_installation {
  filesystem_mirror {
    path    = "${mirrorRoot}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`;
}

export type OfflineTerraform = { available: true; env: NodeJS.ProcessEnv } | { available: false; reason: string };

/**
 * Whether terraform and the provider mirror are here; if not, why not (tests print it and skip).
 * The CLI configuration is written under `parent` (the temp dir unless given).
 */
export function offlineTerraform(parent = tmpdir()): OfflineTerraform {
  try {
    runTerraform(['version']);
  } catch {
    return { available: false, reason: 'the terraform CLI is not on PATH' };
  }
  const mirror = findProviderMirror();
  if (!mirror)
    return { available: false, reason: `no filesystem mirror holds hashicorp/aws ${AWS_PROVIDER_VERSION} (set SWITCHYARD_TF_MIRROR)` };
  const dir = mkdtempSync(join(parent, 'switchyard-tf-cli-'));
  const cliConfig = join(dir, 'offline.tfrc');
  writeFileSync(cliConfig, offlineCliConfig(mirror));
  const env = {
    ...process.env,
    // Also for tools that run terraform themselves (cdktf diff).
    ...AUTOMATION_ENV,
    TF_CLI_CONFIG_FILE: cliConfig,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return { available: true, env };
}
