import { GENERATED_MARK, renderHcl, templateExpression, type HclSchemas, type JsonStack } from './render-hcl';

describe('a JSON-syntax string as an HCL expression', () => {
  test.each([
    ['${var.compute}', 'var.compute'],
    ['${var.compute == null ? 100 : 0}', 'var.compute == null ? 100 : 0'],
    ['switchyard-dev', '"switchyard-dev"'],
    ['${aws_cloudwatch_log_group.logs.arn}:*', '"${aws_cloudwatch_log_group.logs.arn}:*"'],
    // Quotes inside an interpolation belong to the expression and stay as they are.
    ['${join(":", [a.b, "c"])}', 'join(":", [a.b, "c"])'],
    ['src-${join("-", ["a", "}"])}-x', '"src-${join("-", ["a", "}"])}-x"'],
    // Quotes, backslashes and newlines in literal text are escaped.
    ['{"image":"${local.image}","cmd":"a\\\\b"}', '"{\\"image\\":\\"${local.image}\\",\\"cmd\\":\\"a\\\\\\\\b\\"}"'],
    ['line one\nline two\t', '"line one\\nline two\\t"'],
    // An escaped `${` is literal in both syntaxes.
    ['$${not.a.reference}', '"$${not.a.reference}"'],
    ['%{ if var.x }yes%{ endif }', '"%{ if var.x }yes%{ endif }"'],
  ])('%j → %s', (json, hcl) => {
    expect(templateExpression(json)).toBe(hcl);
  });

  test('an interpolation that never closes is an error, not a guess', () => {
    expect(() => templateExpression('${var.x')).toThrow(/unterminated template sequence/);
  });
});

const SCHEMAS: HclSchemas = {
  provider_schemas: {
    'registry.terraform.io/hashicorp/aws': {
      provider: {
        block: { attributes: { region: {} }, block_types: { default_tags: { nesting_mode: 'list', block: { attributes: { tags: {} } } } } },
      },
      resource_schemas: {
        aws_ecr_repository: {
          block: {
            attributes: { name: {}, tags: {} },
            block_types: {
              image_scanning_configuration: { nesting_mode: 'list', max_items: 1, block: { attributes: { scan_on_push: {} } } },
            },
          },
        },
      },
    },
  },
};

const STACK: JsonStack = {
  terraform: { required_providers: { aws: { source: 'aws', version: '5.100.0' } }, backend: { local: { path: 'state.tfstate' } } },
  provider: { aws: [{ region: 'us-east-1', default_tags: [{ tags: { Project: 'switchyard' } }] }] },
  variable: {
    compute: {
      type: 'string',
      description: 'Writes ${literally}',
      default: 'a "${quoted}" value',
      nullable: true,
      validation: [
        { condition: '${contains(["lambda", "fargate"], var.compute)}', error_message: 'compute must be "lambda" or "fargate".' },
      ],
    },
  },
  locals: { weight: '${var.compute == "lambda" ? 100 : 0}' },
  resource: {
    aws_ecr_repository: {
      repository: {
        '//': { metadata: { path: 'switchyard-dev/registry/repository', uniqueId: 'repository' } },
        count: '${local.weight > 0 ? 1 : 0}',
        name: 'switchyard-dev',
        tags: { Name: 'switchyard-dev', 'with-dash': 'x', 'has space': 'y' },
        image_scanning_configuration: { scan_on_push: true },
        depends_on: ['terraform_data.push'],
        lifecycle: {
          create_before_destroy: true,
          ignore_changes: ['tags'],
          postcondition: [{ condition: '${self.name != ""}', error_message: 'no name' }],
        },
      },
    },
    terraform_data: {
      push: {
        '//': { metadata: { path: 'switchyard-dev/image/push', uniqueId: 'push' } },
        input: { settleSeconds: 30 },
        provisioner: [{ 'local-exec': { when: 'destroy', command: 'sh infra/scripts/push-image.sh', working_dir: '/repo' } }],
      },
    },
  },
  output: { weight: { value: '${local.weight}', description: 'Percent ${to} Lambda' } },
};

describe('a synthesized stack as HCL files', () => {
  const files = renderHcl(STACK, SCHEMAS, {
    stackName: 'switchyard-dev',
    pathRewrites: [{ from: '/repo', to: '${path.module}/../../..' }],
  });

  test('one file per construct, beside versions, variables, locals and outputs; each marked as generated', () => {
    expect(Object.keys(files).sort()).toEqual(['image.tf', 'locals.tf', 'outputs.tf', 'registry.tf', 'variables.tf', 'versions.tf']);
    for (const content of Object.values(files))
      expect(content.startsWith(`${GENERATED_MARK} from the CDKTF stack switchyard-dev.`)).toBe(true);
  });

  test('the provider requirement names its full source, the backend and default tags are blocks', () => {
    expect(files['versions.tf']).toContain('aws = {\n      source = "hashicorp/aws"\n      version = "5.100.0"\n    }');
    expect(files['versions.tf']).toContain('backend "local" {\n    path = "state.tfstate"\n  }');
    expect(files['versions.tf']).toContain('default_tags {\n    tags = {\n      Project = "switchyard"\n    }\n  }');
  });

  test('a schema block is a nested block, an object argument stays an argument, and meta-arguments are bare', () => {
    const registry = files['registry.tf']!;
    expect(registry).toContain(
      '# switchyard-dev/registry/repository\nresource "aws_ecr_repository" "repository" {\n  count = local.weight > 0 ? 1 : 0',
    );
    expect(registry).toContain('image_scanning_configuration {\n    scan_on_push = true\n  }');
    expect(registry).toContain('tags = {\n    Name = "switchyard-dev"\n    with-dash = "x"\n    "has space" = "y"\n  }');
    expect(registry).toContain('depends_on = [terraform_data.push]');
    expect(registry).toContain(
      'lifecycle {\n    create_before_destroy = true\n    ignore_changes = [tags]\n    postcondition {\n      condition = self.name != ""\n      error_message = "no name"\n    }\n  }',
    );
  });

  test('a destroy-time provisioner keeps its keyword, and a path into the repository becomes relative', () => {
    expect(files['image.tf']).toContain(
      'provisioner "local-exec" {\n    when = destroy\n    command = "sh infra/scripts/push-image.sh"\n    working_dir = "${path.module}/../../.."\n  }',
    );
  });

  test('a variable keeps its type, validation and literal description and default', () => {
    const variables = files['variables.tf']!;
    expect(variables).toContain('type = string');
    expect(variables).toContain('description = "Writes $${literally}"');
    expect(variables).toContain('default = "a \\"$${quoted}\\" value"');
    expect(variables).toContain(
      'validation {\n    condition = contains(["lambda", "fargate"], var.compute)\n    error_message = "compute must be \\"lambda\\" or \\"fargate\\"."\n  }',
    );
    expect(files['outputs.tf']).toContain('output "weight" {\n  value = local.weight\n  description = "Percent $${to} Lambda"\n}');
  });

  test('a resource type the schemas do not know stops the export', () => {
    const unknown: JsonStack = { resource: { aws_made_up: { x: { name: 'x' } } } };
    expect(() => renderHcl(unknown, SCHEMAS, { stackName: 's' })).toThrow(/no provider schema for aws_made_up/);
  });
});
