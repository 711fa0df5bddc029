/**
 * Guardrails: CloudWatch alarms that publish to the stack's topic when executions fail or time out, when the
 * harvest Lambda errors or is throttled, and when the topic itself fails to deliver. Each fires on one bad
 * datapoint in 5 minutes; missing data (nothing ran) is not an alarm.
 */
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import type { Construct } from "constructs";

interface AlarmSpec {
  readonly id: string;
  readonly what: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

export interface GuardrailOptions {
  readonly name: string;
  readonly stateMachineArn: string;
  readonly harvestFunctionName: string;
  readonly topicArn: string;
  readonly topicName: string;
}

function alarmSpecs(options: GuardrailOptions): AlarmSpec[] {
  const execution = { StateMachineArn: options.stateMachineArn };
  const harvest = { FunctionName: options.harvestFunctionName };
  return [
    {
      id: "executions_failed",
      what: "an execution failed",
      namespace: "AWS/States",
      metricName: "ExecutionsFailed",
      dimensions: execution,
    },
    {
      id: "executions_timed_out",
      what: "an execution timed out",
      namespace: "AWS/States",
      metricName: "ExecutionsTimedOut",
      dimensions: execution,
    },
    {
      id: "harvest_errors",
      what: "the harvest Lambda returned an error",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: harvest,
    },
    {
      id: "harvest_throttles",
      what: "the harvest Lambda was throttled",
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: harvest,
    },
    {
      id: "notifications_failed",
      what: "the notification topic failed to deliver",
      namespace: "AWS/SNS",
      metricName: "NumberOfNotificationsFailed",
      dimensions: { TopicName: options.topicName },
    },
  ];
}

export function createAlarms(scope: Construct, options: GuardrailOptions): CloudwatchMetricAlarm[] {
  return alarmSpecs(options).map(
    (spec) =>
      new CloudwatchMetricAlarm(scope, `alarm_${spec.id}`, {
        alarmName: `${options.name}-${spec.id.replace(/_/g, "-")}`,
        alarmDescription: `vod-harvest: ${spec.what}`,
        namespace: spec.namespace,
        metricName: spec.metricName,
        dimensions: { ...spec.dimensions },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [options.topicArn],
      }),
  );
}
