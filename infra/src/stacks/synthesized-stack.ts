/** A JSON value: what Terraform's JSON syntax, its plans and its states are made of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * A service stack as `cdktf synth` writes it (cdk.tf.json), parsed: what the policy rules, the HCL
 * export and the apply-order tests read. Every block is optional, as in Terraform's JSON syntax.
 */
export interface SynthesizedStack {
  terraform?: JsonObject;
  provider?: Record<string, JsonObject[]>;
  variable?: Record<string, JsonObject>;
  locals?: JsonObject;
  output?: Record<string, JsonObject>;
  resource?: Record<string, Record<string, JsonObject>>;
  data?: Record<string, Record<string, JsonObject>>;
}
