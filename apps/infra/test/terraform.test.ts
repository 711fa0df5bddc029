// `terraform validate` and an offline `terraform plan` of the synthesized stack (provider from the local mirror,
// mock credentials, offline_plan=true). Skipped loudly where terraform is not installed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { offlinePlan, terraformVersion } from "../scripts/terraform.js";
import { VodHarvestStack } from "../src/stack.js";

const version = terraformVersion();
if (!version) {
  const message = "terraform not installed: terraform validate/plan tests not run";
  if (process.env.CI) throw new Error(message);
  console.warn(`\n*** SKIPPED: ${message} ***\n`);
}

function synthInto(): string {
  const outdir = mkdtempSync(join(tmpdir(), "vod-harvest-synth-"));
  const app = new App({ outdir });
  new VodHarvestStack(app, "vod-harvest");
  app.synth();
  return join(outdir, "stacks", "vod-harvest");
}

function failure(result: ReturnType<typeof offlinePlan>): string {
  return result.runs.map((run) => `${run.step}: ${run.status}\n${run.stdout}\n${run.stderr}`).join("\n");
}

describe.skipIf(!version)(`terraform ${version ?? "(absent)"}`, () => {
  let stackDir: string;
  beforeAll(() => {
    stackDir = synthInto();
  });
  afterAll(() => rmSync(join(stackDir, "..", ".."), { recursive: true, force: true }));

  test.each<{
    name: string;
    vars: Record<string, string>;
    present: string[];
    absent: string[];
    adds: number;
  }>([
    {
      name: "created bucket, no CDN secret",
      vars: {},
      present: [
        "aws_s3_bucket.destination[0]",
        "aws_s3_bucket_policy.destination_tls_only[0]",
        "aws_sfn_state_machine.state_machine",
        "aws_cloudwatch_event_rule.execution_ended_badly",
        "aws_cloudwatch_event_target.execution_ended_badly_notify",
        "aws_sns_topic_policy.notifications_policy",
        "aws_cloudwatch_metric_alarm.alarm_harvest_errors",
        "aws_sfn_state_machine.catalog_state_machine",
        "aws_lambda_function.fn_prepare-catalog",
        "aws_iam_role_policy.policy_catalog_state_machine",
      ],
      absent: ["aws_iam_role_policy.policy_harvest_cdn_secrets[0]"],
      // 42 per-asset + 12 catalogue (2 Lambdas, their roles, policies and logs; the machine, its role, policy, logs)
      adds: 54,
    },
    {
      name: "existing bucket, one CDN secret",
      vars: {
        destination_bucket_name: "existing-bucket",
        destination_kms_key_arn:
          "arn:aws:kms:us-east-1:123456789012:key/0000aaaa-11bb-22cc-33dd-444455556666",
        cdn_auth_secret_arns: '["arn:aws:secretsmanager:us-east-1:123456789012:secret:cdn-AbCdEf"]',
        harvest_concurrency: "8",
        harvest_safety_margin_seconds: "30",
        notify_progress: "true",
        harvest_reserved_concurrency: "10",
        destination_prefix: "vod-downloads/",
        catalog_max_concurrency: "100",
        catalog_item_list_arns: '["arn:aws:s3:::lists/vod/*"]',
      },
      present: [
        "aws_iam_role_policy.policy_harvest_cdn_secrets[0]",
        "aws_sfn_state_machine.state_machine",
        "aws_cloudwatch_event_rule.execution_ended_badly",
      ],
      absent: ["aws_s3_bucket.destination[0]", "aws_s3_bucket_policy.destination_tls_only[0]"],
      adds: 49,
    },
  ])(
    "validate and plan: $name",
    ({ vars, present, absent, adds }) => {
      const result = offlinePlan(stackDir, vars);
      expect(result.ok, failure(result)).toBe(true);
      const plan = result.planText ?? "";
      expect(plan).toContain(`Plan: ${adds} to add, 0 to change, 0 to destroy.`);
      for (const address of present) expect(plan).toContain(`# ${address} will be created`);
      for (const address of absent) expect(plan).not.toContain(`# ${address} will be created`);
      if (vars.cdn_auth_secret_arns)
        expect(plan).toContain("arn:aws:secretsmanager:us-east-1:123456789012:secret:cdn-AbCdEf");
      // The harvest Lambda's tuning: the operator's values, or none (the code's defaults; the provider plans the
      // empty value as null) when left at 0.
      const concurrency = vars.harvest_concurrency ? `"${vars.harvest_concurrency}"` : "null";
      const margin = vars.harvest_safety_margin_seconds
        ? `"${Number(vars.harvest_safety_margin_seconds) * 1000}"`
        : "null";
      expect(plan).toMatch(new RegExp(`"HARVEST_CONCURRENCY"\\s+= ${concurrency}\n`));
      expect(plan).toMatch(new RegExp(`"HARVEST_SAFETY_MARGIN_MS"\\s+= ${margin}\n`));
      // Harvests at once across executions: the operator's bound, or none (-1).
      const reserved = vars.harvest_reserved_concurrency ?? "-1";
      expect(plan).toMatch(new RegExp(`reserved_concurrent_executions\\s+= ${reserved}\n`));
      // The catalogue's default concurrency reaches prepare-catalog.
      const catalogConcurrency = vars.catalog_max_concurrency ?? "20";
      expect(plan).toMatch(new RegExp(`"DEFAULT_MAX_CONCURRENCY"\\s+= "${catalogConcurrency}"\n`));
      // The email gets HarvestProgress only with notify_progress; the filter is on the message body.
      if (vars.notify_progress === "true") {
        expect(plan).not.toContain("anything-but");
        expect(plan).not.toContain('filter_policy_scope             = "MessageBody"');
      } else {
        expect(plan).toContain('filter_policy_scope             = "MessageBody"');
        expect(plan).toMatch(/filter_policy\s+= jsonencode\([\s\S]*anything-but = \[\s+\+ "HarvestProgress"/);
      }
    },
    240_000,
  );

  test.each([
    ["map_concurrency", "0"],
    ["harvest_concurrency", "-1"],
    ["harvest_concurrency", "2.5"],
    ["harvest_safety_margin_seconds", "1"],
    ["harvest_safety_margin_seconds", "7.5"],
    ["harvest_reserved_concurrency", "0"],
    ["destination_kms_key_arn", "alias/my-key"],
    ["destination_prefix", "/vod/"],
    ["destination_prefix", "vod"],
    ["destination_prefix", "vod/*/"],
    ["aws_region", "Mars"],
    ["catalog_max_concurrency", "0"],
    ["catalog_max_concurrency", "10001"],
    ["catalog_item_list_arns", '["lists/vod/*"]'],
  ])(
    "a variable validation rejects %s = %s at plan time",
    (name, value) => {
      const result = offlinePlan(stackDir, { [name]: value });
      expect(result.ok).toBe(false);
      expect(result.runs.at(-1)?.stderr).toMatch(new RegExp(name));
    },
    240_000,
  );

  test.each([
    ["the default chain (AWS_REGION)", {}, "eu-west-1", "eu-west-1"],
    [
      "the aws_region variable over AWS_REGION",
      { aws_region: "ap-southeast-2" },
      "eu-west-1",
      "ap-southeast-2",
    ],
  ])(
    "the region comes from %s, and role names (global in IAM) carry it",
    (_how, vars, envRegion, region) => {
      const result = offlinePlan(stackDir, vars, { region: envRegion });
      expect(result.ok, failure(result)).toBe(true);
      const plan = result.planText ?? "";
      expect(plan).toMatch(new RegExp(`name\\s+= "vod-harvest-${region}-harvest"\n`));
      expect(plan).toMatch(new RegExp(`name\\s+= "vod-harvest-${region}-state-machine"\n`));
      expect(plan).toContain(`vod-harvest-123456789012-${region}`);
      expect(plan).not.toContain(envRegion === region ? "us-east-1" : envRegion);
    },
    240_000,
  );

  test("a safety margin over half the harvest timeout is rejected: an invocation would have no time to copy", () => {
    const result = offlinePlan(stackDir, {
      harvest_timeout_seconds: "60",
      harvest_safety_margin_seconds: "40",
    });
    expect(result.ok).toBe(false);
    expect(result.runs.at(-1)?.stderr).toMatch(/at most half of\s+harvest_timeout_seconds/);
  }, 240_000);
});
