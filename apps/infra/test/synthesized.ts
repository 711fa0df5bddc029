// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${…}" here is Terraform interpolation, not a JS template
// The synthesized Terraform JSON of the stack, and the same text with every Terraform reference replaced by a
// concrete test value, so policies and the definition can be parsed, validated and simulated as deployed.
import { Testing } from "cdktf";
import { VodHarvestStack } from "../src/stack.js";

export const ACCOUNT = "111122223333";
export const REGION = "us-east-1";
export const BUCKET = `vod-harvest-${ACCOUNT}-${REGION}`;
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:vod-harvest`;
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:vod-harvest`;
export const ALERT_RULE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:rule/vod-harvest-execution-ended-badly`;
export const SECRET_ARNS = [`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:cdn-auth-AbCdEf`];
export const LAMBDAS = ["prepare", "resolve-endpoints", "check", "harvest", "finalize"] as const;
export const CATALOG_LAMBDAS = ["prepare-catalog", "summarize-catalog"] as const;
/** The operator's var.catalog_item_list_arns in the tests. */
const ITEM_LIST_ARNS = ["arn:aws:s3:::lists/vod/*"];
export const functionArn = (name: string) =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:vod-harvest-${name}`;
export const logGroupArn = (name: string) =>
  `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/vod-harvest-${name}`;

// biome-ignore lint/suspicious/noExplicitAny: Terraform JSON is read by key in the tests
export type TfJson = Record<string, any>;

export function synthesize(): TfJson {
  const app = Testing.app();
  const stack = new VodHarvestStack(app, "vod-harvest");
  return JSON.parse(Testing.synth(stack)) as TfJson;
}

const REFERENCES: Record<string, string> = {
  "${data.aws_partition.partition.partition}": "aws",
  "${local.account}": ACCOUNT,
  "${data.aws_region.current_region.name}": REGION,
  "${var.destination_prefix}": "",
  "${var.name}": "vod-harvest",
  "${local.destination_bucket_name_resolved}": BUCKET,
  "${local.bucket_key_arn}": KEY_ARN,
  "${aws_kms_key.key.arn}": KEY_ARN,
  "${aws_sns_topic.notifications.arn}": TOPIC_ARN,
  "${var.mediapackage_role_name}": "MediaPackage_Default_Role",
  "${jsonencode(var.cdn_auth_secret_arns)}": JSON.stringify(SECRET_ARNS),
  "${var.map_concurrency}": "4",
  "${aws_sfn_state_machine.state_machine.arn}": STATE_MACHINE_ARN,
  "${aws_cloudwatch_event_rule.execution_ended_badly.arn}": ALERT_RULE_ARN,
  "${aws_lambda_function.fn_harvest.function_name}": "vod-harvest-harvest",
  "${aws_sns_topic.notifications.name}": "vod-harvest",
  "${jsonencode(local.catalog_item_list_read_arns)}": JSON.stringify([
    `arn:aws:s3:::${BUCKET}/*`,
    ...ITEM_LIST_ARNS,
  ]),
  ...Object.fromEntries(
    [...LAMBDAS, ...CATALOG_LAMBDAS].map((name) => [
      `\${aws_lambda_function.fn_${name}.arn}`,
      functionArn(name),
    ]),
  ),
  ...Object.fromEntries(
    [...LAMBDAS, ...CATALOG_LAMBDAS].map((name) => [
      `\${aws_cloudwatch_log_group.log_${name}.arn}`,
      logGroupArn(name),
    ]),
  ),
};

/**
 * Replaces the known references (`values` overrides some, e.g. a variable's value); throws if any `${…}` is left,
 * so no unexpected expression goes unnoticed.
 */
export function resolveReferences(text: string, values: Readonly<Record<string, string>> = {}): string {
  let resolved = text;
  for (const [reference, value] of Object.entries({ ...REFERENCES, ...values }))
    resolved = resolved.split(reference).join(value);
  const left = resolved.match(/\$\{[^}]*\}/);
  if (left) throw new Error(`unresolved Terraform reference ${left[0]} in ${text.slice(0, 200)}`);
  return resolved;
}
