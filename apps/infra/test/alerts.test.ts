// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${…}" here is Terraform interpolation, not a JS template
// Executions that end FAILED, TIMED_OUT or ABORTED reach the topic through EventBridge (alerts.ts), read from the
// synthesized Terraform JSON; who may publish is simulated with @cloud-copilot/iam-simulate.
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { beforeAll, describe, expect, test } from "vitest";
import {
  ACCOUNT,
  ALERT_RULE_ARN,
  KEY_ARN,
  REGION,
  resolveReferences,
  STATE_MACHINE_ARN,
  synthesize,
  type TfJson,
  TOPIC_ARN,
} from "./synthesized.js";

let tf: TfJson;
beforeAll(() => {
  tf = synthesize();
});
const resource = (type: string, name: string) => tf.resource[type]?.[name];

/**
 * What EventBridge makes of the template for one event: a placeholder inside a JSON string gets the text, one
 * outside gets the value as JSON (null when the event lacks it). Inside means after an odd number of quotes on
 * its line (the template puts one property per line).
 */
function render(template: string, values: Record<string, string | null>): string {
  return template.replace(/<([a-z]+)>/g, (_match, name: string, offset: number) => {
    const value = values[name] ?? null;
    const before = template.slice(template.lastIndexOf("\n", offset) + 1, offset);
    const inside = (before.match(/"/g)?.length ?? 0) % 2 === 1;
    if (inside) return value ?? "";
    return value === null ? "null" : JSON.stringify(value);
  });
}

describe("execution alerts", () => {
  test("a rule matches this state machine's executions ending FAILED, TIMED_OUT or ABORTED", () => {
    const rule = resource("aws_cloudwatch_event_rule", "execution_ended_badly");
    expect(JSON.parse(resolveReferences(rule.event_pattern))).toEqual({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: { status: ["FAILED", "TIMED_OUT", "ABORTED"], stateMachineArn: [STATE_MACHINE_ARN] },
    });
  });

  test.each([
    ["FAILED", "States.Runtime", 'The JSONPath "$.x" could not be found'],
    ["ABORTED", null, null],
  ])(
    "%s: one ERROR message on the topic naming the execution, error, cause and input, with a console link",
    (status, error, cause) => {
      const target = resource("aws_cloudwatch_event_target", "execution_ended_badly_notify");
      expect(target.arn).toBe("${aws_sns_topic.notifications.arn}");
      const { input_paths: paths, input_template: template } = target.input_transformer;
      expect(paths).toMatchObject({
        execution: "$.detail.executionArn",
        error: "$.detail.error",
        input: "$.detail.input",
      });
      const execution = `arn:aws:states:${REGION}:${ACCOUNT}:execution:vod-harvest:run-1`;
      const input = JSON.stringify({ createAssetRequest: { Id: "asset-1", PackagingGroupId: "pg-1" } });
      const message = JSON.parse(
        render(resolveReferences(template), { execution, name: "run-1", status, error, cause, input }),
      );
      expect(message).toEqual({
        Type: "ERROR",
        Event: "ExecutionEnded",
        Execution: execution,
        Name: "run-1",
        Status: status,
        Error: error,
        Cause: cause,
        Input: input,
        Console: `https://${REGION}.console.aws.amazon.com/states/home?region=${REGION}#/v2/executions/details/${execution}`,
      });
    },
  );

  type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";
  async function mayPublish(
    context: Record<string, string>,
    principal = "events.amazonaws.com",
  ): Promise<Decision> {
    const policy = JSON.parse(
      resolveReferences(resource("aws_sns_topic_policy", "notifications_policy").policy),
    );
    const response = await runSimulation(
      {
        request: {
          principal,
          action: "sns:Publish",
          resource: { resource: TOPIC_ARN, accountId: ACCOUNT },
          contextVariables: context,
        },
        identityPolicies: [],
        resourcePolicy: policy,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
    return response.overallResult as Decision;
  }

  test.each<[string, Record<string, string>, Decision]>([
    [
      "the stack's rule, over TLS",
      { "aws:SourceArn": ALERT_RULE_ARN, "aws:SourceAccount": ACCOUNT, "aws:SecureTransport": "true" },
      "Allowed",
    ],
    [
      "another account's rule",
      {
        "aws:SourceArn": ALERT_RULE_ARN.replace(ACCOUNT, "444455556666"),
        "aws:SourceAccount": "444455556666",
        "aws:SecureTransport": "true",
      },
      "ImplicitlyDenied",
    ],
    [
      "another rule",
      { "aws:SourceArn": `${ALERT_RULE_ARN}-2`, "aws:SourceAccount": ACCOUNT, "aws:SecureTransport": "true" },
      "ImplicitlyDenied",
    ],
    [
      "without TLS",
      { "aws:SourceArn": ALERT_RULE_ARN, "aws:SourceAccount": ACCOUNT, "aws:SecureTransport": "false" },
      "ExplicitlyDenied",
    ],
  ])("EventBridge publishing to the topic: %s → %s", async (_what, context, decision) => {
    expect(await mayPublish(context)).toBe(decision);
  });

  const alarm = (name: string, account = ACCOUNT) => `arn:aws:cloudwatch:${REGION}:${account}:alarm:${name}`;
  test.each<[string, string, string, Decision]>([
    ["the stack's alarm", alarm("vod-harvest-harvest-errors"), ACCOUNT, "Allowed"],
    ["another stack's alarm", alarm("other-harvest-errors"), ACCOUNT, "ImplicitlyDenied"],
    [
      "another account's alarm",
      alarm("vod-harvest-harvest-errors", "444455556666"),
      "444455556666",
      "ImplicitlyDenied",
    ],
  ])("CloudWatch alarms publishing to the topic: %s → %s", async (_what, sourceArn, account, decision) => {
    const context = {
      "aws:SourceArn": sourceArn,
      "aws:SourceAccount": account,
      "aws:SecureTransport": "true",
    };
    expect(await mayPublish(context, "cloudwatch.amazonaws.com")).toBe(decision);
  });

  test("the key lets EventBridge and CloudWatch alarms encrypt for the topic, for this account only", () => {
    const policy = JSON.parse(resolveReferences(resource("aws_kms_key", "key").policy));
    expect(policy.Statement).toContainEqual({
      Sid: "EventBridgeToEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
    });
    expect(KEY_ARN).toContain(ACCOUNT);
  });
});
