/**
 * Failures that would otherwise notify nobody: an execution that ends FAILED, TIMED_OUT or ABORTED without its
 * own SNS message (a history past its limit, an abort, a timeout) is reported by an EventBridge rule on this state
 * machine's status changes, published to the stack's topic as an ERROR message like the workflow's own.
 */
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target/index.js";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy/index.js";
import type { Construct } from "constructs";
import { type PolicyDocument, topicPolicy } from "./policies.js";

const ENDED_BADLY = ["FAILED", "TIMED_OUT", "ABORTED"] as const;

/** EventBridge's pattern for this state machine's executions ending badly. */
function executionEndedPattern(stateMachineArn: string) {
  return {
    source: ["aws.states"],
    "detail-type": ["Step Functions Execution Status Change"],
    detail: { status: [...ENDED_BADLY], stateMachineArn: [stateMachineArn] },
  };
}

/** Event fields the message quotes (EventBridge input paths). */
const EXECUTION_ENDED_PATHS = {
  execution: "$.detail.executionArn",
  name: "$.detail.name",
  status: "$.detail.status",
  error: "$.detail.error",
  cause: "$.detail.cause",
  input: "$.detail.input",
} as const;

/**
 * The SNS message: JSON like the workflow's notifications (`Type`, `Event`, `Execution`), with the status, the
 * error and cause Step Functions recorded, the execution's input (it names the asset) and a console link.
 * `<name>` placeholders are EventBridge's. Free text (error, cause, input) stands outside quotes, where EventBridge
 * inserts the value as JSON (a quoted, escaped string, or null when absent, as on an abort); inside quotes only
 * ARNs, names and statuses, which hold no quote.
 */
function executionEndedTemplate(region: string): string {
  const console = `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/<execution>`;
  return [
    "{",
    '"Type": "ERROR",',
    '"Event": "ExecutionEnded",',
    '"Execution": "<execution>",',
    '"Name": "<name>",',
    '"Status": "<status>",',
    '"Error": <error>,',
    '"Cause": <cause>,',
    '"Input": <input>,',
    `"Console": "${console}"`,
    "}",
  ].join("\n");
}

export interface ExecutionAlertOptions {
  readonly name: string;
  readonly region: string;
  readonly stateMachineArn: string;
  readonly topicArn: string;
  readonly accountId: string;
  readonly partition: string;
}

export function createExecutionAlerts(scope: Construct, options: ExecutionAlertOptions): CloudwatchEventRule {
  const rule = new CloudwatchEventRule(scope, "execution_ended_badly", {
    name: `${options.name}-execution-ended-badly`,
    description: "This stack's harvest executions that end FAILED, TIMED_OUT or ABORTED",
    eventPattern: JSON.stringify(executionEndedPattern(options.stateMachineArn)),
  });
  new CloudwatchEventTarget(scope, "execution_ended_badly_notify", {
    rule: rule.name,
    arn: options.topicArn,
    inputTransformer: {
      inputPaths: { ...EXECUTION_ENDED_PATHS },
      inputTemplate: executionEndedTemplate(options.region),
    },
  });
  const alarms = `arn:${options.partition}:cloudwatch:${options.region}:${options.accountId}:alarm:${options.name}-*`;
  const policy: PolicyDocument = topicPolicy(options.topicArn, rule.arn, options.accountId, alarms);
  new SnsTopicPolicy(scope, "notifications_policy", {
    arn: options.topicArn,
    policy: JSON.stringify(policy),
  });
  return rule;
}
