import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

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
