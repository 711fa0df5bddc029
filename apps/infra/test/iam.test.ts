// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${…}" here is Terraform interpolation, not a JS template
// Least privilege, proven with @cloud-copilot/iam-simulate over the synthesized policies (Terraform references
// replaced by test ARNs): every action a Task or a handler needs is allowed on its resource, the rest is denied.
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { CREATED_ASSET_TAG, listTaskStates, type StateMachineDefinition } from "@vod-harvest/workflow";
import { beforeAll, describe, expect, test } from "vitest";
import {
  ACCOUNT,
  BUCKET,
  functionArn,
  KEY_ARN,
  LAMBDAS,
  logGroupArn,
  REGION,
  resolveReferences,
  SECRET_ARNS,
  synthesize,
  type TfJson,
  TOPIC_ARN,
} from "./synthesized.js";

type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";
interface Policy {
  readonly name: string;
  readonly policy: unknown;
}

let tf: TfJson;
let roles: Record<string, Policy[]>;
let keyPolicy: unknown;
beforeAll(() => {
  tf = synthesize();
  keyPolicy = JSON.parse(resolveReferences(tf.resource.aws_kms_key.key.policy));
  const policies = tf.resource.aws_iam_role_policy as Record<string, { role: string; policy: string }>;
  roles = {};
  for (const [name, { role, policy }] of Object.entries(policies)) {
    const roleName = /^\$\{aws_iam_role\.role_(.+)\.id\}$/.exec(role)?.[1];
    if (!roleName) throw new Error(`policy ${name} on unexpected role ${role}`);
    roles[roleName] = [...(roles[roleName] ?? []), { name, policy: JSON.parse(resolveReferences(policy)) }];
  }
});

async function decide(
  role: string,
  action: string,
  resource: string,
  contextVariables: Record<string, string> = {},
  policies: Policy[] = roles[role] ?? [],
): Promise<Decision> {
  const response = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/vod-harvest-${role}`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables,
      },
      identityPolicies: policies,
      // A KMS key is usable only if its key policy allows it too (ours delegates to IAM in the account).
      ...(action.startsWith("kms:") ? { resourcePolicy: keyPolicy } : {}),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
  return response.overallResult as Decision;
}

const asset = `arn:aws:mediapackage-vod:${REGION}:${ACCOUNT}:assets/asset-1`;
const group = `arn:aws:mediapackage-vod:${REGION}:${ACCOUNT}:packaging-groups/pg-1`;
const mediaPackageRole = `arn:aws:iam::${ACCOUNT}:role/MediaPackage_Default_Role`;
const object = `arn:aws:s3:::${BUCKET}/vod-downloads/asset-1/hls/index.m3u8`;
const inBucket = (key: string) => `arn:aws:s3:::${BUCKET}/${key}`;
/** The completion record of an endpoint whose DestinationPath is `vod-downloads`. */
const record = inBucket("vod-downloads/asset-1/hls/_vod-harvest-complete.json");
const journalFile = inBucket("_vod-harvest-state/asset-1/hls/run-1.progress/000001-req-1.json");
const toMediaPackage = { "iam:PassedToService": "mediapackage.amazonaws.com" };

/** The workflow's tag on assets it creates, as a request (CreateAsset, TagResource) and as a resource carries it. */
const requestTag = {
  [`aws:RequestTag/${CREATED_ASSET_TAG.key}`]: CREATED_ASSET_TAG.value,
  "aws:TagKeys": CREATED_ASSET_TAG.key,
};
const resourceTag = { [`aws:ResourceTag/${CREATED_ASSET_TAG.key}`]: CREATED_ASSET_TAG.value };

/** The IAM action a Task resource needs, the ARN it acts on in a typical execution, and its request context. */
function taskPermission(resource: string): [string, string, Record<string, string>] {
  if (resource.startsWith("arn:aws:lambda:")) return ["lambda:InvokeFunction", resource, {}];
  if (resource === "arn:aws:states:::sns:publish") return ["sns:Publish", TOPIC_ARN, {}];
  const sdk = /^arn:aws:states:::aws-sdk:mediapackagevod:(\w+)$/.exec(resource);
  if (sdk?.[1]) {
    const apiAction = sdk[1].charAt(0).toUpperCase() + sdk[1].slice(1);
    // CreateAsset takes no resource ARN in IAM: it is authorized against "*", with the workflow's tag.
    if (apiAction === "CreateAsset") return ["mediapackage-vod:CreateAsset", "*", requestTag];
    if (apiAction === "DeleteAsset") return ["mediapackage-vod:DeleteAsset", asset, resourceTag];
    return [`mediapackage-vod:${apiAction}`, apiAction === "DescribePackagingGroup" ? group : asset, {}];
  }
  throw new Error(`no IAM mapping for Task resource ${resource}`);
}

describe("state machine role", () => {
  test("every Task of the deployed definition is allowed on its resource", async () => {
    const definition = JSON.parse(
      resolveReferences(tf.resource.aws_sfn_state_machine.state_machine.definition),
    ) as StateMachineDefinition;
    const needed = new Set(
      listTaskStates(definition).map((task) => JSON.stringify(taskPermission(task.resource))),
    );
    expect(needed.size).toBe(LAMBDAS.length + 5);
    for (const entry of needed) {
      const [action, resource, context] = JSON.parse(entry) as [string, string, Record<string, string>];
      expect(`${action} ${resource}: ${await decide("state_machine", action, resource, context)}`).toBe(
        `${action} ${resource}: Allowed`,
      );
    }
  });

  test.each([
    ["iam:PassRole", mediaPackageRole, toMediaPackage, "Allowed"],
    ["kms:GenerateDataKey", KEY_ARN, {}, "Allowed"],
    ["iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/Admin`, toMediaPackage, "ImplicitlyDenied"],
    ["iam:PassRole", mediaPackageRole, { "iam:PassedToService": "lambda.amazonaws.com" }, "ImplicitlyDenied"],
    ["lambda:InvokeFunction", `arn:aws:lambda:${REGION}:${ACCOUNT}:function:other`, {}, "ImplicitlyDenied"],
    ["sns:Publish", `arn:aws:sns:${REGION}:${ACCOUNT}:other-topic`, {}, "ImplicitlyDenied"],
    ["mediapackage-vod:DeletePackagingGroup", group, {}, "ImplicitlyDenied"],
    // Assets: only those the workflow created (its tag) may be deleted; it creates and tags with that tag only.
    ["mediapackage-vod:DeleteAsset", asset, resourceTag, "Allowed"],
    ["mediapackage-vod:DeleteAsset", asset, {}, "ImplicitlyDenied"],
    [
      "mediapackage-vod:DeleteAsset",
      asset,
      { [`aws:ResourceTag/${CREATED_ASSET_TAG.key}`]: "someone" },
      "ImplicitlyDenied",
    ],
    ["mediapackage-vod:CreateAsset", "*", {}, "ImplicitlyDenied"],
    ["mediapackage-vod:TagResource", asset, requestTag, "Allowed"],
    [
      "mediapackage-vod:TagResource",
      asset,
      { "aws:RequestTag/owner": "x", "aws:TagKeys": "owner" },
      "ImplicitlyDenied",
    ],
    ["s3:PutObject", object, {}, "ImplicitlyDenied"],
    ["secretsmanager:GetSecretValue", SECRET_ARNS[0] as string, {}, "ImplicitlyDenied"],
  ])("%s on %s (%j) → %s", async (action, resource, context, expected) => {
    expect(await decide("state_machine", action, resource, context)).toBe(expected);
  });
});

describe("Lambda roles", () => {
  const bucket = `arn:aws:s3:::${BUCKET}`;
  const otherBucketObject = "arn:aws:s3:::someone-elses-bucket/x.ts";
  const ownLogs = (name: string) => `${logGroupArn(name)}:log-stream:2026/01/01/[$LATEST]abc`;
  test.each([
    // harvest: reads and writes the destination, reads the configured secret, uses the key.
    ["harvest", "s3:GetObject", object, "Allowed"],
    ["harvest", "s3:PutObject", object, "Allowed"],
    ["harvest", "s3:AbortMultipartUpload", object, "Allowed"],
    ["harvest", "s3:ListBucket", bucket, "Allowed"],
    ["harvest", "kms:GenerateDataKey", KEY_ARN, "Allowed"],
    ["harvest", "kms:Decrypt", KEY_ARN, "Allowed"],
    ["harvest", "secretsmanager:GetSecretValue", SECRET_ARNS[0] as string, "Allowed"],
    ["harvest", "logs:PutLogEvents", ownLogs("harvest"), "Allowed"],
    // harvest keeps each plan's checksum journal next to it: listed, read and written.
    ["harvest", "s3:PutObject", journalFile, "Allowed"],
    ["harvest", "s3:GetObject", journalFile, "Allowed"],
    // harvest may delete completion records (overwrite removes the old one first) and nothing else.
    ["harvest", "s3:DeleteObject", record, "Allowed"],
    ["harvest", "s3:DeleteObject", inBucket("asset-1/hls/_vod-harvest-complete.json"), "Allowed"],
    ["harvest", "s3:DeleteObject", inBucket("a/b/c/asset-1/hls/_vod-harvest-complete.json"), "Allowed"],
    ["harvest", "s3:DeleteObject", object, "ImplicitlyDenied"],
    ["harvest", "s3:DeleteObject", inBucket("vod-downloads/asset-1/hls/low/seg-1.ts"), "ImplicitlyDenied"],
    [
      "harvest",
      "s3:DeleteObject",
      inBucket("vod-downloads/asset-1/hls/low/playlist.m3u8"),
      "ImplicitlyDenied",
    ],
    [
      "harvest",
      "s3:DeleteObject",
      inBucket("vod-downloads/asset-1/hls/_vod-harvest-complete.json.tmp"),
      "ImplicitlyDenied",
    ],
    ["harvest", "s3:DeleteObject", inBucket("_vod-harvest-complete.json"), "ImplicitlyDenied"],
    ["harvest", "s3:DeleteObject", inBucket("_vod-harvest-state/asset-1/hls/run-1.json"), "ImplicitlyDenied"],
    ["harvest", "s3:DeleteObject", journalFile, "ImplicitlyDenied"],
    [
      "harvest",
      "s3:DeleteObject",
      "arn:aws:s3:::someone-elses-bucket/vod-downloads/asset-1/hls/_vod-harvest-complete.json",
      "ImplicitlyDenied",
    ],
    ["harvest", "s3:DeleteObjectVersion", record, "ImplicitlyDenied"],
    ["harvest", "s3:DeleteBucket", bucket, "ImplicitlyDenied"],
    ["harvest", "s3:PutObject", otherBucketObject, "ImplicitlyDenied"],
    ["harvest", "s3:GetObject", otherBucketObject, "ImplicitlyDenied"],
    ["harvest", "s3:PutBucketPolicy", bucket, "ImplicitlyDenied"],
    [
      "harvest",
      "secretsmanager:GetSecretValue",
      `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:other-XyZ123`,
      "ImplicitlyDenied",
    ],
    ["harvest", "logs:PutLogEvents", ownLogs("prepare"), "ImplicitlyDenied"],
    ["harvest", "kms:Decrypt", `arn:aws:kms:${REGION}:${ACCOUNT}:key/0000aaaa-other-key`, "ImplicitlyDenied"],
    // finalize reads the stored plan, the completion record (written by harvest) and a listing; it deletes
    // finished runs' harvest state, and nothing else.
    ["finalize", "s3:GetObject", record, "Allowed"],
    ["finalize", "s3:DeleteObject", inBucket("_vod-harvest-state/asset-1/hls/run-1.json"), "Allowed"],
    ["finalize", "s3:DeleteObject", journalFile, "Allowed"],
    ["finalize", "s3:DeleteObject", object, "ImplicitlyDenied"],
    ["finalize", "s3:DeleteObject", inBucket("_vod-harvest-state"), "ImplicitlyDenied"],
    ["finalize", "s3:GetObject", inBucket("_vod-harvest-state/asset-1/hls/run-1.json"), "Allowed"],
    ["finalize", "s3:ListBucket", bucket, "Allowed"],
    ["finalize", "kms:Decrypt", KEY_ARN, "Allowed"],
    ["finalize", "s3:PutObject", object, "ImplicitlyDenied"],
    ["finalize", "s3:PutObject", record, "ImplicitlyDenied"],
    ["finalize", "s3:DeleteObject", record, "ImplicitlyDenied"],
    ["finalize", "kms:GenerateDataKey", KEY_ARN, "ImplicitlyDenied"],
    ["check", "s3:DeleteObject", record, "ImplicitlyDenied"],
    ["finalize", "secretsmanager:GetSecretValue", SECRET_ARNS[0] as string, "ImplicitlyDenied"],
    ["check", "s3:GetObject", object, "Allowed"],
    ["check", "s3:PutObject", object, "ImplicitlyDenied"],
    // prepare and resolve-endpoints touch no data at all.
    ["prepare", "s3:GetObject", object, "ImplicitlyDenied"],
    ["resolve-endpoints", "s3:GetObject", object, "ImplicitlyDenied"],
    ["resolve-endpoints", "secretsmanager:GetSecretValue", SECRET_ARNS[0] as string, "ImplicitlyDenied"],
    ["prepare", "logs:PutLogEvents", ownLogs("prepare"), "Allowed"],
  ])("%s: %s on %s → %s", async (role, action, resource, expected) => {
    expect(await decide(role, action, resource)).toBe(expected);
  });

  describe("with destination_prefix = vod-downloads/", () => {
    let scoped: Record<string, Policy[]>;
    beforeAll(() => {
      scoped = {};
      const policies = tf.resource.aws_iam_role_policy as Record<string, { role: string; policy: string }>;
      for (const [name, { role, policy }] of Object.entries(policies)) {
        const roleName = /role_(.+)\.id/.exec(role)?.[1] ?? "?";
        const resolved = resolveReferences(policy, { "${var.destination_prefix}": "vod-downloads/" });
        scoped[roleName] = [...(scoped[roleName] ?? []), { name, policy: JSON.parse(resolved) }];
      }
    });
    test.each([
      ["harvest", "s3:PutObject", object, "Allowed"],
      ["harvest", "s3:PutObject", inBucket("vod-downloads/2026/asset-1/hls/index.m3u8"), "Allowed"],
      ["harvest", "s3:PutObject", journalFile, "Allowed"],
      ["harvest", "s3:DeleteObject", record, "Allowed"],
      ["harvest", "s3:PutObject", inBucket("other/asset-1/hls/index.m3u8"), "ImplicitlyDenied"],
      ["harvest", "s3:PutObject", inBucket("index.html"), "ImplicitlyDenied"],
      ["harvest", "s3:GetObject", inBucket("finance/report.csv"), "ImplicitlyDenied"],
      ["harvest", "s3:DeleteObject", inBucket("other/a/hls/_vod-harvest-complete.json"), "ImplicitlyDenied"],
      ["check", "s3:GetObject", record, "Allowed"],
      ["check", "s3:GetObject", inBucket("finance/report.csv"), "ImplicitlyDenied"],
      ["finalize", "s3:GetObject", inBucket("finance/report.csv"), "ImplicitlyDenied"],
    ])("%s: %s on %s → %s", async (role, action, resource, expected) => {
      expect(await decide(role, action, resource, {}, scoped[role])).toBe(expected);
    });

    test("prepare is told the prefix, so it refuses other destinations before anything runs", () => {
      const variables = tf.resource.aws_lambda_function.fn_prepare.environment.variables;
      expect(variables.DESTINATION_PREFIX).toBe("${var.destination_prefix}");
    });
  });

  test("without configured secrets the secrets policy is not created, and nothing else grants a secret", async () => {
    expect(tf.resource.aws_iam_role_policy.policy_harvest_cdn_secrets.count).toBe(
      "${length(var.cdn_auth_secret_arns) > 0 ? 1 : 0}",
    );
    const withoutSecrets = (roles.harvest ?? []).filter((p) => p.name !== "policy_harvest_cdn_secrets");
    expect(withoutSecrets).toHaveLength(1);
    expect(
      await decide("harvest", "secretsmanager:GetSecretValue", SECRET_ARNS[0] as string, {}, withoutSecrets),
    ).toBe("ImplicitlyDenied");
  });

  test("each Lambda role is assumable by Lambda of this account only", () => {
    for (const name of LAMBDAS) {
      const trust = JSON.parse(
        resolveReferences(tf.resource.aws_iam_role[`role_${name}`].assume_role_policy),
      );
      expect(trust.Statement).toEqual([
        {
          Sid: "AssumedByService",
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
      ]);
    }
    expect(functionArn("harvest")).toContain(":function:vod-harvest-harvest");
  });
});
