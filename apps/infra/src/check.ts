/**
 * `pnpm check:infra`: rules the synthesized stack must keep, read from its Terraform JSON — no identity policy
 * allows a wildcard action or a delete on every resource, and every guardrail alarm exists and notifies someone.
 */

// biome-ignore lint/suspicious/noExplicitAny: Terraform JSON is read by key
type TfJson = Record<string, any>;

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: string | string[];
}

/** The guardrail alarms (guardrails.ts): their resource names. */
export const REQUIRED_ALARMS = [
  "alarm_executions_failed",
  "alarm_executions_timed_out",
  "alarm_harvest_errors",
  "alarm_harvest_throttles",
  "alarm_notifications_failed",
] as const;

/**
 * Deletes that only exist on "*": Step Functions' log delivery (CloudWatch Logs vended logs) takes no
 * resource-level permission, and AWS documents exactly this set for a state machine that logs.
 */
const UNSCOPED_DELETES_ALLOWED: ReadonlySet<string> = new Set(["logs:DeleteLogDelivery"]);

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** A policy document as synthesized: Terraform expressions outside JSON strings become strings, to parse it. */
function parsePolicy(text: string): { Statement: Statement[] } {
  // Only a value position (`"Key":${…}`), never an expression inside a JSON string ("arn:${…}").
  return JSON.parse(
    text.replace(
      /("\s*:\s*)(\$\{[^}]*\})/g,
      (_match, key: string, expression: string) => key + JSON.stringify(expression),
    ),
  );
}

export function checkInfra(tf: TfJson): string[] {
  const problems: string[] = [];
  const policies = (tf.resource?.aws_iam_role_policy ?? {}) as Record<string, { policy: string }>;
  for (const [name, { policy }] of Object.entries(policies)) {
    for (const statement of parsePolicy(policy).Statement) {
      if (statement.Effect !== "Allow") continue;
      const where = `aws_iam_role_policy.${name} ${statement.Sid ?? "(no Sid)"}`;
      for (const action of list(statement.Action)) {
        if (action === "*" || action.endsWith(":*")) problems.push(`${where}: wildcard action ${action}`);
        if (
          /:Delete/.test(action) &&
          list(statement.Resource).includes("*") &&
          !UNSCOPED_DELETES_ALLOWED.has(action)
        )
          problems.push(`${where}: ${action} on every resource ("*")`);
      }
    }
  }
  const alarms = (tf.resource?.aws_cloudwatch_metric_alarm ?? {}) as Record<
    string,
    { alarm_actions?: string[] }
  >;
  for (const name of REQUIRED_ALARMS) {
    const alarm = alarms[name];
    if (alarm === undefined) problems.push(`aws_cloudwatch_metric_alarm.${name}: missing`);
    else if ((alarm.alarm_actions ?? []).length === 0)
      problems.push(`aws_cloudwatch_metric_alarm.${name}: notifies nobody (no alarm_actions)`);
  }
  return problems;
}
