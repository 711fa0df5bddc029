// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${…}" here is Terraform interpolation, not a JS template
// The catalogue in the synthesized stack: its state machine is what packages/workflow builds, wired to the per-asset
// machine; its roles allow what it does and nothing beside (simulated with @cloud-copilot/iam-simulate).
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { buildCatalogStateMachine, prepareCatalog } from "@vod-harvest/workflow";
import { beforeAll, describe, expect, test } from "vitest";
import {
  ACCOUNT,
  BUCKET,
  functionArn,
  REGION,
  resolveReferences,
  STATE_MACHINE_ARN,
  synthesize,
  type TfJson,
  TOPIC_ARN,
} from "./synthesized.js";

let tf: TfJson;
let policies: Record<string, unknown>;
beforeAll(() => {
  tf = synthesize();
  const all = tf.resource.aws_iam_role_policy as Record<string, { policy: string }>;
  policies = Object.fromEntries(
    Object.entries(all).map(([name, { policy }]) => [name, JSON.parse(resolveReferences(policy))]),
  );
});

const CATALOG_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:vod-harvest-catalog`;
const states = (kind: string, rest: string) => `arn:aws:states:${REGION}:${ACCOUNT}:${kind}:${rest}`;
const inBucket = (key: string) => `arn:aws:s3:::${BUCKET}/${key}`;
const items = inBucket("_vod-harvest-state/catalog/run-1/items.jsonl");
const results = inBucket("_vod-harvest-state/catalog/run-1/results/3f2a/SUCCEEDED_0.json");

async function decide(
  policy: string,
  action: string,
  resource: string,
  context: Record<string, string> = {},
) {
  const response = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/catalog-test`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: [{ name: policy, policy: policies[policy] }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
}

test("the catalogue state machine is packages/workflow's, starting the per-asset machine, logged and traced", () => {
  const machine = tf.resource.aws_sfn_state_machine.catalog_state_machine;
  expect(machine.name).toBe("${var.name}-catalog");
  const deployed = JSON.parse(resolveReferences(machine.definition));
  expect(deployed).toEqual(
    buildCatalogStateMachine({
      lambdaArns: {
        "prepare-catalog": functionArn("prepare-catalog"),
        "summarize-catalog": functionArn("summarize-catalog"),
      },
      childStateMachineArn: STATE_MACHINE_ARN,
      topicArn: TOPIC_ARN,
    }),
  );
  expect(machine.logging_configuration).toMatchObject({ level: "ALL" });
  expect(machine.tracing_configuration).toEqual({ enabled: true });
  expect(tf.resource.aws_cloudwatch_log_group.log_catalog_state_machine.kms_key_id).toBe(
    "${aws_kms_key.key.arn}",
  );
});

test("the default MaxConcurrency comes from var.catalog_max_concurrency; the example input is a valid catalogue", () => {
  expect(tf.variable.catalog_max_concurrency).toMatchObject({ type: "number", default: 20 });
  expect(tf.variable.catalog_item_list_arns).toMatchObject({ type: "list(string)", default: [] });
  const prepare = tf.resource.aws_lambda_function["fn_prepare-catalog"];
  expect(prepare.environment.variables).toMatchObject({
    DEFAULT_MAX_CONCURRENCY: "${tostring(var.catalog_max_concurrency)}",
    DESTINATION_PREFIX: "${var.destination_prefix}",
  });
  const example = resolveReferences(
    tf.output.start_catalog_example.value.replace(
      "${aws_sfn_state_machine.catalog_state_machine.arn}",
      CATALOG_ARN,
    ),
  );
  expect(example).toContain(`--catalog --follow --state-machine-arn ${CATALOG_ARN}`);
  const input = JSON.parse(example.slice(example.indexOf("'") + 1, example.lastIndexOf("'")));
  expect(prepareCatalog({ input, executionName: "x" }).bucket).toBe(BUCKET);
});

describe("least privilege", () => {
  test.each([
    // The Distributed Map: its own children, the item list, the results.
    ["states:StartExecution", CATALOG_ARN, "Allowed"],
    ["states:DescribeExecution", states("execution", "vod-harvest-catalog/HarvestCatalog:1a2b"), "Allowed"],
    ["states:DescribeMapRun", states("mapRun", "vod-harvest-catalog/HarvestCatalog:1a2b"), "Allowed"],
    ["s3:GetObject", items, "Allowed"],
    ["s3:PutObject", results, "Allowed"],
    // startExecution.sync:2 of the per-asset machine only.
    ["states:StartExecution", STATE_MACHINE_ARN, "Allowed"],
    ["states:StopExecution", states("execution", "vod-harvest:asset-1"), "Allowed"],
    [
      "events:PutRule",
      `arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`,
      "Allowed",
    ],
    ["lambda:InvokeFunction", functionArn("prepare-catalog"), "Allowed"],
    ["states:StartExecution", states("stateMachine", "someone-elses"), "ImplicitlyDenied"],
    ["states:DescribeExecution", states("execution", "someone-elses:x"), "ImplicitlyDenied"],
    ["events:PutRule", `arn:aws:events:${REGION}:${ACCOUNT}:rule/any-rule`, "ImplicitlyDenied"],
    ["lambda:InvokeFunction", functionArn("harvest"), "ImplicitlyDenied"],
    ["s3:PutObject", inBucket("vod-downloads/asset-1/hls/index.m3u8"), "ImplicitlyDenied"],
    ["s3:DeleteObject", items, "ImplicitlyDenied"],
  ])("catalogue state machine: %s %s → %s", async (action, resource, expected) => {
    expect(await decide("policy_catalog_state_machine", action, resource)).toBe(expected);
  });

  test.each([
    ["mediapackage-vod:ListAssets", "*", "Allowed"],
    ["s3:GetObject", inBucket("lists/catalog.jsonl"), "Allowed"],
    ["s3:GetObject", "arn:aws:s3:::lists/vod/2026/catalog.csv", "Allowed"],
    ["s3:PutObject", items, "Allowed"],
    ["s3:GetObject", "arn:aws:s3:::other-bucket/catalog.jsonl", "ImplicitlyDenied"],
    ["s3:PutObject", inBucket("vod-downloads/x"), "ImplicitlyDenied"],
    [
      "mediapackage-vod:DeleteAsset",
      `arn:aws:mediapackage-vod:${REGION}:${ACCOUNT}:assets/a`,
      "ImplicitlyDenied",
    ],
  ])("prepare-catalog: %s %s → %s", async (action, resource, expected) => {
    expect(await decide("policy_prepare-catalog", action, resource)).toBe(expected);
  });

  test.each([
    ["s3:GetObject", results, {}, "Allowed"],
    [
      "s3:ListBucket",
      `arn:aws:s3:::${BUCKET}`,
      { "s3:prefix": "_vod-harvest-state/catalog/run-1/results/" },
      "Allowed",
    ],
    ["s3:ListBucket", `arn:aws:s3:::${BUCKET}`, { "s3:prefix": "vod-downloads/" }, "ImplicitlyDenied"],
    ["s3:GetObject", inBucket("vod-downloads/asset-1/hls/index.m3u8"), {}, "ImplicitlyDenied"],
    ["s3:PutObject", results, {}, "ImplicitlyDenied"],
  ])("summarize-catalog: %s %s %j → %s", async (action, resource, context, expected) => {
    expect(await decide("policy_summarize-catalog", action, resource, context)).toBe(expected);
  });
});
