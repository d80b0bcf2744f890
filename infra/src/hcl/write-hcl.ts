import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { terraformFmt } from './provider-schema';
import type { SynthesizedStack } from '../stacks/synthesized-stack';
import { GENERATED_MARK, liftValue, renderHcl, type HclSchemas } from './render-hcl';

export interface HclExport {
  /** The stack as synthesized (cdk.tf.json), parsed. */
  stack: SynthesizedStack;
  stackName: string;
  outDir: string;
  /** The repository the stack's paths point into; they become relative to outDir. */
  repositoryRoot: string;
  schemas: HclSchemas;
  /** For the terraform CLI (fmt). */
  env: NodeJS.ProcessEnv;
}

export interface WrittenHcl {
  files: Array<{ name: string; bytes: number }>;
  /** Files of an earlier export that this one no longer has, removed. */
  removed: string[];
  /** .tf files in outDir that no export wrote, left as they are. */
  kept: string[];
}

const isGenerated = (path: string) => readFileSync(path, 'utf8').startsWith(GENERATED_MARK);

/**
 * The tag the stack builds its image under: synthesized from a hash of the sources, so after the
 * exit it would be frozen. The HCL takes it as a variable instead, defaulting to it.
 */
export const IMAGE_TAG_VARIABLE = 'image_source_tag';

/** The image tag the stack's push provisioner was synthesized with (IMAGE_TAG in its environment). */
export function exportedImageTag(stack: SynthesizedStack): string | undefined {
  for (const push of Object.values(stack.resource?.terraform_data ?? {})) {
    const provisioners = (Array.isArray(push.provisioner) ? push.provisioner : []) as Array<
      Record<string, { environment?: Record<string, unknown> }>
    >;
    const tag = provisioners.map((p) => p['local-exec']?.environment?.IMAGE_TAG).find((t) => typeof t === 'string');
    if (typeof tag === 'string') return tag;
  }
  return undefined;
}

function withTagVariable(stack: SynthesizedStack): SynthesizedStack {
  const tag = exportedImageTag(stack);
  if (!tag) return stack;
  return liftValue(stack, {
    value: tag,
    variable: IMAGE_TAG_VARIABLE,
    description:
      'The tag the image of this repository is built and pushed under when image_uri is empty. The default is the sources at export; a new tag (e.g. src-<commit>-x86_64) builds and deploys the sources as they are now.',
    validation: {
      condition: `\${can(regex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", var.${IMAGE_TAG_VARIABLE}))}`,
      error_message: `${IMAGE_TAG_VARIABLE} must be an image tag: letters, digits, _, . and -, at most 128, not starting with . or -.`,
    },
  });
}

/**
 * Writes the stack as HCL files into outDir, each in `terraform fmt`'s format. Only files an
 * export wrote are replaced or removed; a .tf file of anyone else's with a generated file's name
 * stops the export before anything is written. State and .terraform are never touched.
 */
export function writeHcl({ stack, stackName, outDir, repositoryRoot, schemas, env }: HclExport): WrittenHcl {
  const toRoot = relative(outDir, repositoryRoot) || '.';
  const rendered = renderHcl(withTagVariable(stack), schemas, {
    stackName,
    pathRewrites: [{ from: repositoryRoot, to: `\${path.module}/${toRoot}` }],
  });
  const existing = existsSync(outDir) ? readdirSync(outDir).filter((name) => name.endsWith('.tf')) : [];
  const foreign = existing.filter((name) => !isGenerated(join(outDir, name)));
  const clashes = foreign.filter((name) => name in rendered);
  if (clashes.length)
    throw new Error(`${outDir} has ${clashes.join(', ')}, not written by pnpm infra:hcl; move them away or choose another --out`);
  const formatted = Object.entries(rendered).map(([name, content]) => [name, terraformFmt(content, env)] as const);

  mkdirSync(outDir, { recursive: true });
  const removed = existing.filter((name) => !foreign.includes(name) && !(name in rendered));
  for (const name of removed) rmSync(join(outDir, name));
  for (const [name, content] of formatted) writeFileSync(join(outDir, name), content);
  return {
    files: formatted.map(([name, content]) => ({ name, bytes: Buffer.byteLength(content) })),
    removed,
    kept: foreign,
  };
}
