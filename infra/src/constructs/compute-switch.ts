import { TerraformLocal, Token, type IResolvable, type TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import type { Compute } from '../config/environments';

export interface ComputeSwitchProps {
  /** Where traffic goes when neither `compute` nor `lambda_weight` is set. */
  readonly defaultCompute: Compute;
  /** The stack's `compute`, `lambda_weight` and `fargate_standby` variables (stacks/stack-inputs.ts). */
  readonly compute: TerraformVariable;
  readonly lambdaWeight: TerraformVariable;
  readonly fargateStandby: TerraformVariable;
}

/**
 * What follows from the switch's variables: the effective split, and whether each compute must run.
 * The locals are made in the stack's scope so their names stay short and stable in the plan.
 */
export class ComputeSwitch extends Construct {
  /** Share of requests (0-100) the ALB sends to Lambda. */
  readonly lambdaWeight: number;
  /** Share of requests (0-100) the ALB sends to Fargate. */
  readonly fargateWeight: number;
  /** "lambda", "fargate", or "split" (a canary). */
  readonly activeCompute: string;
  /** Whether Fargate tasks run with no traffic. */
  readonly fargateStandbyActive: IResolvable;
  private readonly fargateRunningFqn: string;
  private readonly lambdaServingFqn: string;

  constructor(scope: Construct, id: string, props: ComputeSwitchProps) {
    super(scope, id);
    const { compute, lambdaWeight, fargateStandby } = props;

    // Raw expressions: cdktf's Fn.conditional quotes string conditions instead of evaluating them.
    const defaultShare = props.defaultCompute === 'lambda' ? 100 : 0;
    const lambdaShare = new TerraformLocal(
      scope,
      'lambda_weight_effective',
      `\${${lambdaWeight.fqn} != null ? ${lambdaWeight.fqn} : (${compute.fqn} == null ? ${defaultShare} : (${compute.fqn} == "lambda" ? 100 : 0))}`,
    );
    const fargateShare = new TerraformLocal(scope, 'fargate_weight_effective', `\${100 - ${lambdaShare.fqn}}`);
    const fargateRunning = new TerraformLocal(scope, 'fargate_running', `\${${fargateShare.fqn} > 0 || ${fargateStandby.fqn}}`);
    const lambdaServing = new TerraformLocal(scope, 'lambda_serving', `\${${lambdaShare.fqn} > 0}`);

    this.lambdaWeight = lambdaShare.asNumber;
    this.fargateWeight = fargateShare.asNumber;
    this.activeCompute = `\${${lambdaShare.fqn} == 100 ? "lambda" : (${lambdaShare.fqn} == 0 ? "fargate" : "split")}`;
    this.fargateStandbyActive = fargateStandby.booleanValue;
    this.fargateRunningFqn = fargateRunning.fqn;
    this.lambdaServingFqn = lambdaServing.fqn;
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
