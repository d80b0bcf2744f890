import { TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import type { Compute } from '../config/environments';

/**
 * Every Terraform variable a service stack takes, in one place. Their IDs are the names users type
 * (TF_VAR_compute, a workspace variable), so they are made in the stack's own scope and never
 * renamed. Everything else about an environment is typed config in config/environments.ts.
 */
export interface StackInputs {
  /** "lambda", "fargate" or null. */
  readonly compute: TerraformVariable;
  /** 0-100 or null. */
  readonly lambdaWeight: TerraformVariable;
  readonly fargateStandby: TerraformVariable;
  /** A prebuilt image, or "" to build docker/Dockerfile during apply. */
  readonly imageUri: TerraformVariable;
}

export function declareStackInputs(stack: Construct, defaultCompute: Compute): StackInputs {
  // The switch's two variables default to null, so the stack knows which ones the user set: setting
  // both to different splits stops the plan rather than silently preferring one. Conditions are
  // written ${...} because the stack is JSON, where bare strings are literals.
  const compute = new TerraformVariable(stack, 'compute', {
    type: 'string',
    nullable: true,
    description: `Which compute serves all traffic: "lambda" or "fargate". Unset (null): lambda_weight decides, else "${defaultCompute}".`,
    validation: [
      {
        condition: '${var.compute == null ? true : contains(["lambda", "fargate"], var.compute)}',
        errorMessage: 'compute must be "lambda" or "fargate".',
      },
    ],
  });
  const lambdaWeight = new TerraformVariable(stack, 'lambda_weight', {
    type: 'number',
    nullable: true,
    description: 'Percent of requests (0-100) sent to Lambda, the rest to Fargate: a canary. Unset (null): compute decides.',
    validation: [
      {
        condition:
          '${var.lambda_weight == null ? true : (var.lambda_weight >= 0 && var.lambda_weight <= 100 && floor(var.lambda_weight) == var.lambda_weight)}',
        errorMessage: 'lambda_weight must be a whole number from 0 to 100, or null.',
      },
      {
        // Cross-variable validation: Terraform >= 1.9.
        condition: '${var.lambda_weight == null || var.compute == null ? true : var.lambda_weight == (var.compute == "lambda" ? 100 : 0)}',
        errorMessage:
          'compute and lambda_weight disagree (compute = "lambda" means lambda_weight = 100, "fargate" means 0). Set one of them, or both to the same split.',
      },
    ],
  });
  // cdktf cannot serialise `default: null` (it crashes in keysToSnakeCase); an override writes it as is.
  compute.addOverride('default', null);
  lambdaWeight.addOverride('default', null);
  const fargateStandby = new TerraformVariable(stack, 'fargate_standby', {
    type: 'bool',
    default: false,
    description: 'Keep Fargate tasks running while they get no traffic, for a quick switch to Fargate.',
  });
  const imageUri = new TerraformVariable(stack, 'image_uri', {
    type: 'string',
    default: '',
    description: 'Deploy this prebuilt image (repo:tag or repo@sha256:...) instead of building docker/Dockerfile.',
  });
  return { compute, lambdaWeight, fargateStandby, imageUri };
}
