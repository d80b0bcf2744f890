/** A service stack as `cdktf synth` writes it (cdk.tf.json), parsed: what the policy rules and the HCL export read. */
export interface SynthesizedStack {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  variable: Record<string, Record<string, unknown>>;
  output: Record<string, Record<string, unknown>>;
  locals?: Record<string, unknown>;
  terraform: Record<string, unknown>;
  provider: Record<string, unknown>;
}
