// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${…}" here is Terraform interpolation, not a JS template
// src/check.ts's rules: the synthesized stack passes them, and each rule names what breaks it.
import { describe, expect, test } from "vitest";
import { checkInfra, REQUIRED_ALARMS } from "../src/check.js";
import { synthesize, type TfJson } from "./synthesized.js";

const alarms = Object.fromEntries(
  REQUIRED_ALARMS.map((name) => [name, { alarm_actions: ["${aws_sns_topic.t.arn}"] }]),
);
const withPolicy = (statement: object): TfJson => ({
  resource: {
    aws_iam_role_policy: {
      policy_x: {
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }).replace(
          '"RESOURCES"',
          "${jsonencode(var.cdn_auth_secret_arns)}",
        ),
      },
    },
    aws_cloudwatch_metric_alarm: alarms,
  },
});

describe("check:infra", () => {
  test("the synthesized stack keeps every rule", () => {
    expect(checkInfra(synthesize())).toEqual([]);
  });

  test.each([
    [
      "a wildcard action",
      { Sid: "A", Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" },
      "policy_x A: wildcard action s3:*",
    ],
    [
      "every action",
      { Sid: "B", Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::b" },
      "policy_x B: wildcard action *",
    ],
    [
      "a delete on every resource",
      { Sid: "C", Effect: "Allow", Action: ["s3:GetObject", "mediapackage-vod:DeleteAsset"], Resource: "*" },
      'policy_x C: mediapackage-vod:DeleteAsset on every resource ("*")',
    ],
  ])("%s is named", (_what, statement, problem) => {
    expect(checkInfra(withPolicy(statement))).toEqual([`aws_iam_role_policy.${problem}`]);
  });

  test("a scoped delete, a Deny, a Terraform expression as Resource, and log delivery's documented delete pass", () => {
    expect(
      checkInfra(withPolicy({ Sid: "F", Effect: "Allow", Action: "logs:DeleteLogDelivery", Resource: "*" })),
    ).toEqual([]);
    expect(
      checkInfra(withPolicy({ Sid: "D", Effect: "Allow", Action: "s3:DeleteObject", Resource: "RESOURCES" })),
    ).toEqual([]);
    expect(checkInfra(withPolicy({ Sid: "E", Effect: "Deny", Action: "*", Resource: "*" }))).toEqual([]);
  });

  test("a missing alarm, and one that notifies nobody, are named", () => {
    const { alarm_harvest_errors: _, ...others } = alarms;
    expect(
      checkInfra({
        resource: {
          aws_cloudwatch_metric_alarm: { ...others, alarm_harvest_throttles: { alarm_actions: [] } },
        },
      }),
    ).toEqual([
      "aws_cloudwatch_metric_alarm.alarm_harvest_errors: missing",
      "aws_cloudwatch_metric_alarm.alarm_harvest_throttles: notifies nobody (no alarm_actions)",
    ]);
  });
});
