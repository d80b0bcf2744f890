import { TerraformLocal, TerraformOutput, TerraformVariable, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { Compute } from '../config/environments';

export interface ComputeSwitchProps {
  /** Where traffic goes when neither `compute` nor `lambda_weight` is set. */
  readonly defaultCompute: Compute;
}

/**
 * The Terraform variables that decide where the ALB sends traffic, and what follows from them.
 * Their IDs are the names users type (TF_VAR_compute, a workspace variable), so the variables are
 * made in the stack's own scope and never renamed. Both default to null, so the stack knows which
 * ones the user set: setting both to different splits stops the plan rather than silently
 * preferring one.
 */
export class ComputeSwitch extends Construct {
  /** Share of requests (0-100) the ALB sends to Lambda. */
  readonly lambdaWeight: number;
  /** Share of requests (0-100) the ALB sends to Fargate. */
  readonly fargateWeight: number;
  private readonly fargateRunningFqn: string;
  private readonly lambdaServingFqn: string;

  constructor(scope: Construct, id: string, props: ComputeSwitchProps) {
    super(scope, id);

    // Conditions are written ${...} because the stack is JSON, where bare strings are literals.
    const compute = new TerraformVariable(scope, 'compute', {
      type: 'string',
      nullable: true,
      description: `Which compute serves all traffic: "lambda" or "fargate". Unset (null): lambda_weight decides, else "${props.defaultCompute}".`,
      validation: [
        {
          condition: '${var.compute == null ? true : contains(["lambda", "fargate"], var.compute)}',
          errorMessage: 'compute must be "lambda" or "fargate".',
        },
      ],
    });
    const lambdaWeight = new TerraformVariable(scope, 'lambda_weight', {
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
          condition:
            '${var.lambda_weight == null || var.compute == null ? true : var.lambda_weight == (var.compute == "lambda" ? 100 : 0)}',
          errorMessage:
            'compute and lambda_weight disagree (compute = "lambda" means lambda_weight = 100, "fargate" means 0). Set one of them, or both to the same split.',
        },
      ],
    });
    // cdktf cannot serialise `default: null` (it crashes in keysToSnakeCase); an override writes it as is.
    compute.addOverride('default', null);
    lambdaWeight.addOverride('default', null);
    const standby = new TerraformVariable(scope, 'fargate_standby', {
      type: 'bool',
      default: false,
      description: 'Keep Fargate tasks running while they get no traffic, for a quick switch to Fargate.',
    });

    // Raw expressions: cdktf's Fn.conditional quotes string conditions instead of evaluating them.
    const defaultShare = props.defaultCompute === 'lambda' ? 100 : 0;
    const lambdaShare = new TerraformLocal(
      scope,
      'lambda_weight_effective',
      `\${${lambdaWeight.fqn} != null ? ${lambdaWeight.fqn} : (${compute.fqn} == null ? ${defaultShare} : (${compute.fqn} == "lambda" ? 100 : 0))}`,
    );
    const fargateShare = new TerraformLocal(scope, 'fargate_weight_effective', `\${100 - ${lambdaShare.fqn}}`);
    const fargateRunning = new TerraformLocal(scope, 'fargate_running', `\${${fargateShare.fqn} > 0 || ${standby.fqn}}`);
    const lambdaServing = new TerraformLocal(scope, 'lambda_serving', `\${${lambdaShare.fqn} > 0}`);

    this.lambdaWeight = lambdaShare.asNumber;
    this.fargateWeight = fargateShare.asNumber;
    this.fargateRunningFqn = fargateRunning.fqn;
    this.lambdaServingFqn = lambdaServing.fqn;

    new TerraformOutput(scope, 'active_compute', {
      value: `\${${lambdaShare.fqn} == 100 ? "lambda" : (${lambdaShare.fqn} == 0 ? "fargate" : "split")}`,
      description: 'lambda, fargate, or split (a canary)',
    });
    new TerraformOutput(scope, 'traffic_weights', {
      value: { lambda: this.lambdaWeight, fargate: this.fargateWeight },
      description: 'The split the ALB applies, in percent',
    });
    new TerraformOutput(scope, 'fargate_standby_active', {
      value: standby.booleanValue,
      description: 'Whether Fargate tasks run with no traffic',
    });
  }

  /** 1 while Fargate runs (it serves, or stands by), else 0: an idle Fargate costs nothing. */
  get whileFargateRuns(): number {
    return Token.asNumber(`\${${this.fargateRunningFqn} ? 1 : 0}`);
  }

  /** 1 while Lambda gets a share of the traffic, else 0. */
  get whileLambdaServes(): number {
    return Token.asNumber(`\${${this.lambdaServingFqn} ? 1 : 0}`);
  }
}
