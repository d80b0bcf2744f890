import { tmpdir } from 'node:os';
import { providerSchemas } from '../../src/hcl/provider-schema';
import type { HclSchemas } from '../../src/hcl/render-hcl';
import { writeHcl, type WrittenHcl } from '../../src/hcl/write-hcl';
import { OfflineStackDir } from './offline-terraform';
import type { SynthesizedStack } from '../../src/stacks/synthesized-stack';
import { REPOSITORY_ROOT } from './synth-stack';

/** A synthesized stack written as HCL (as `pnpm infra:hcl` writes it) into a directory ready for init. */
export function hclStackDir(
  stack: SynthesizedStack,
  stackName: string,
  env: NodeJS.ProcessEnv,
  schemas: HclSchemas = providerSchemas(stack.terraform?.required_providers as Record<string, unknown>, tmpdir(), env),
): { dir: OfflineStackDir; written: WrittenHcl } {
  const dir = new OfflineStackDir(null, env);
  const written = writeHcl({ stack, stackName, outDir: dir.dir, repositoryRoot: REPOSITORY_ROOT, schemas, env });
  return { dir, written };
}
