import { TerraformLocal, TerraformOutput, TerraformVariable, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { Compute } from '../config/environments';

export interface ComputeSwitchProps {
  /** The `compute` variable's default. */
  readonly defaultCompute: Compute;
  /** The `lambda_weight` variable's default: the last `pnpm flip`. @default null (compute decides) */
  readonly defaultLambdaWeight?: number;
}

/**
 * The Terraform variables that decide where the ALB sends traffic, and what follows from them.
 * Their IDs are the names users type (TF_VAR_compute), so the variables are made in the stack's
 * own scope and never renamed.
 */
export class ComputeSwitch extends Construct {
  /** Share of requests (0-100) the listener sends to Lambda. */
  readonly lambdaWeight: number;
  /** Share of requests (0-100) the listener sends to Fargate. */
  readonly fargateWeight: number;
  private readonly fargateRunningFqn: string;

  constructor(scope: Construct, id: string, props: ComputeSwitchProps) {
    super(scope, id);

    const compute = new TerraformVariable(scope, 'compute', {
      type: 'string',
      default: props.defaultCompute,
      description: 'Which compute serves traffic: "lambda" or "fargate". lambda_weight overrides it when set.',
      validation: [
        { condition: '${contains(["lambda", "fargate"], var.compute)}', errorMessage: 'compute must be "lambda" or "fargate".' },
      ],
    });
    const lambdaWeight = new TerraformVariable(scope, 'lambda_weight', {
      type: 'number',
      nullable: true,
      description: 'Percent of requests (0-100) sent to Lambda, the rest to Fargate, for canaries. Overrides compute when set.',
      validation: [
        {
          condition:
            '${var.lambda_weight == null ? true : (var.lambda_weight >= 0 && var.lambda_weight <= 100 && floor(var.lambda_weight) == var.lambda_weight)}',
          errorMessage: 'lambda_weight must be a whole number from 0 to 100, or null.',
        },
      ],
    });
    // Conditions are written ${...} because the stack is JSON, where bare strings are literals.
    // cdktf cannot serialise `default: null` (it crashes in keysToSnakeCase); an override writes it as is.
    lambdaWeight.addOverride('default', props.defaultLambdaWeight ?? null);
    const standby = new TerraformVariable(scope, 'fargate_standby', {
      type: 'bool',
      default: false,
      description:
        'Keep Fargate tasks running while they get no traffic. `pnpm flip` sets it so traffic only moves to, or away from, running tasks.',
    });

    // Raw expressions: cdktf's Fn.conditional quotes string conditions instead of evaluating them.
    const lambdaShare = new TerraformLocal(
      scope,
      'lambda_weight_effective',
      `\${${lambdaWeight.fqn} != null ? ${lambdaWeight.fqn} : (${compute.fqn} == "lambda" ? 100 : 0)}`,
    );
    const fargateShare = new TerraformLocal(scope, 'fargate_weight_effective', `\${100 - ${lambdaShare.fqn}}`);
    const fargateRunning = new TerraformLocal(scope, 'fargate_running', `\${${fargateShare.fqn} > 0 || ${standby.fqn}}`);

    this.lambdaWeight = lambdaShare.asNumber;
    this.fargateWeight = fargateShare.asNumber;
    this.fargateRunningFqn = fargateRunning.fqn;

    new TerraformOutput(scope, 'active_compute', {
      value: `\${${lambdaShare.fqn} == 100 ? "lambda" : (${lambdaShare.fqn} == 0 ? "fargate" : "split")}`,
      description: 'lambda, fargate, or split (a canary)',
    });
    new TerraformOutput(scope, 'traffic_weights', { value: { lambda: this.lambdaWeight, fargate: this.fargateWeight } });
    new TerraformOutput(scope, 'fargate_standby_active', { value: standby.booleanValue });
  }

  /** `count` while Fargate runs, else 0: an idle Fargate costs nothing. */
  whileFargateRuns(count: number): number {
    return Token.asNumber(`\${${this.fargateRunningFqn} ? ${count} : 0}`);
  }
}
