// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${…}" here is Terraform interpolation, not a JS template
/**
 * The vod-harvest stack: destination bucket (or an existing one), KMS key, SNS topic, one Lambda per handler,
 * the STANDARD state machine built by packages/workflow, least-privilege roles, log groups.
 * Deep imports of @cdktf/provider-aws on purpose: its root index costs seconds and hundreds of MB to load.
 */

import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition/index.js";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { buildStateMachine, LAMBDA_NAMES, type LambdaName } from "@vod-harvest/workflow";
import { Fn, TerraformLocal, TerraformOutput, TerraformStack, Token } from "cdktf";
import type { Construct } from "constructs";
import { createExecutionAlerts } from "./alerts.js";
import { applyStateBackend, type StateBackend } from "./backend.js";
import { createCatalog } from "./catalog.js";
import { createAlarms } from "./guardrails.js";
import { cdnSecretsPolicy, lambdaPolicy, type PolicyContext, stateMachinePolicy } from "./policies.js";
import { rawExpression, renderJson } from "./render.js";
import { stackLambda, stackRole, stackStateMachine } from "./resources.js";
import { createStorage } from "./storage.js";
import { declareVariables } from "./variables.js";

/** Account id used by `offline_plan` (no credentials to ask STS with). */
const OFFLINE_ACCOUNT_ID = "123456789012";

/** Lambdas that copy (sized by variables); the others only validate or read a record. */
const HEAVY: ReadonlySet<LambdaName> = new Set(["harvest", "finalize"]);

export interface VodHarvestStackOptions {
  /** Where Terraform keeps the state (backend.ts). Default: a local file beside the synthesized stack. */
  readonly backend?: StateBackend;
}

export class VodHarvestStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: VodHarvestStackOptions = {}) {
    super(scope, id);
    applyStateBackend(this, options.backend ?? { kind: "local" }, id);
    const vars = declareVariables(this);
    const offline = vars.offlinePlan.booleanValue;

    // Skip flags only with offline_plan, so a real plan/apply validates credentials and account as usual.
    new AwsProvider(this, "aws", {
      // Empty: the default chain (AWS_REGION, the profile's region), as the AWS CLI does.
      region: '${var.aws_region != "" ? var.aws_region : null}',
      skipCredentialsValidation: offline,
      skipRequestingAccountId: offline,
      skipRegionValidation: offline,
      skipMetadataApiCheck: Token.asString(Fn.conditional(offline, "true", "false")),
      defaultTags: [{ tags: { Project: "vod-harvest" } }],
    });

    const caller = new DataAwsCallerIdentity(this, "current", {
      count: Token.asNumber(Fn.conditional(offline, 0, 1)),
    });
    caller.overrideLogicalId("current");
    const partition = new DataAwsPartition(this, "partition").partition;
    const accountId = new TerraformLocal(
      this,
      "account",
      `\${var.offline_plan ? "${OFFLINE_ACCOUNT_ID}" : data.aws_caller_identity.current[0].account_id}`,
    ).asString;
    // The region the provider ended up with, whichever way it was given.
    const region = new DataAwsRegion(this, "current_region").name;
    const name = vars.name.stringValue;
    // IAM names are global to the account: the region keeps two regional deployments of one name apart
    // (at most 31 + 1 + 14 + 1 + 17 = 64 characters, IAM's limit).
    const roleName = (role: string) => `${name}-${region}-${role}`;

    const storage = createStorage(this, { vars, partition, accountId, region });
    const distDir = new TerraformLocal(
      this,
      "lambda_zip_dir",
      '${var.lambda_dist_dir != "" ? var.lambda_dist_dir : "${path.module}/../../../../lambdas/dist"}',
    ).asString;

    // Log groups first: their ARNs go into the roles' policies.
    const logGroups = Object.fromEntries(
      LAMBDA_NAMES.map((lambda) => {
        const group = new CloudwatchLogGroup(this, `log_${lambda}`, {
          name: `/aws/lambda/${name}-${lambda}`,
          retentionInDays: vars.logRetentionDays.numberValue,
          kmsKeyId: storage.key.arn,
        });
        return [lambda, group];
      }),
    ) as Record<LambdaName, CloudwatchLogGroup>;

    const functionArn = (lambda: LambdaName) =>
      `arn:${partition}:lambda:${region}:${accountId}:function:${name}-${lambda}`;
    const context: PolicyContext = {
      partition,
      region,
      accountId,
      bucketArn: storage.bucketArn,
      keyArn: storage.key.arn,
      // A local: its quotes cannot stand inside the JSON-encoded policies.
      bucketKeyArn: new TerraformLocal(
        this,
        "bucket_key_arn",
        `\${var.destination_kms_key_arn != "" ? var.destination_kms_key_arn : ${storage.key.arn}}`,
      ).asString,
      topicArn: storage.topic.arn,
      destinationPrefix: vars.destinationPrefix.stringValue,
      mediaPackageRoleArn: `arn:${partition}:iam::${accountId}:role/${vars.mediaPackageRoleName.stringValue}`,
      lambdaArns: Object.fromEntries(LAMBDA_NAMES.map((lambda) => [lambda, functionArn(lambda)])) as Record<
        LambdaName,
        string
      >,
      logGroupArns: Object.fromEntries(
        LAMBDA_NAMES.map((lambda) => [lambda, logGroups[lambda].arn]),
      ) as Record<LambdaName, string>,
    };

    // The operator's tuning of the harvest Lambda; "" (variable 0) leaves the code's default.
    const harvestTuning = {
      HARVEST_CONCURRENCY: '${var.harvest_concurrency == 0 ? "" : tostring(var.harvest_concurrency)}',
      HARVEST_SAFETY_MARGIN_MS:
        '${var.harvest_safety_margin_seconds == 0 ? "" : tostring(var.harvest_safety_margin_seconds * 1000)}',
    };
    const functions = {} as Record<LambdaName, LambdaFunction>;
    for (const lambda of LAMBDA_NAMES) {
      const { role, policy } = stackRole(this, lambda, {
        name: roleName(lambda),
        service: "lambda.amazonaws.com",
        accountId,
        policy: JSON.stringify(lambdaPolicy(lambda, context)),
      });
      const dependsOn = [logGroups[lambda], policy];
      if (lambda === "harvest") {
        const secrets = new IamRolePolicy(this, "policy_harvest_cdn_secrets", {
          // No statement at all when no secret is configured (an empty Resource list is not a valid policy).
          count: Token.asNumber("${length(var.cdn_auth_secret_arns) > 0 ? 1 : 0}"),
          name: "cdn-authorization-secrets",
          role: role.id,
          policy: renderJson(cdnSecretsPolicy(rawExpression("secret_arns")), {
            secret_arns: "${jsonencode(var.cdn_auth_secret_arns)}",
          }),
        });
        dependsOn.push(secrets);
      }
      const heavy = HEAVY.has(lambda);
      functions[lambda] = stackLambda(this, {
        name,
        lambda,
        roleArn: role.arn,
        distDir,
        logGroup: logGroups[lambda],
        memorySize: heavy ? vars.harvestMemoryMb.numberValue : 256,
        timeout: heavy ? vars.harvestTimeoutSeconds.numberValue : 30,
        environment: {
          // Read by apps/lambdas/src/entry/harvest.ts; empty means the engine's and the handler's defaults.
          ...(lambda === "harvest" ? harvestTuning : {}),
          // Read by apps/lambdas/src/entry/prepare.ts: executions writing elsewhere are refused up front.
          ...(lambda === "prepare" ? { DESTINATION_PREFIX: vars.destinationPrefix.stringValue } : {}),
        },
        dependsOn,
        // Bounds the origin's load across executions: at most this many harvests at once, each with
        // harvest_concurrency connections (-1: unreserved, no bound).
        ...(lambda === "harvest"
          ? { extra: { reservedConcurrentExecutions: vars.harvestReservedConcurrency.numberValue } }
          : {}),
      });
    }

    const definition = buildStateMachine({
      lambdaArns: Object.fromEntries(LAMBDA_NAMES.map((lambda) => [lambda, functions[lambda].arn])) as Record<
        LambdaName,
        string
      >,
      topicArn: storage.topic.arn,
      // An unquoted number from var.map_concurrency, rendered below.
      mapConcurrency: rawExpression("map_concurrency"),
    });
    const stateMachine = stackStateMachine(this, {
      idPrefix: "",
      name,
      roleName: roleName("state-machine"),
      accountId,
      retentionInDays: vars.logRetentionDays.numberValue,
      kmsKeyId: storage.key.arn,
      policy: JSON.stringify(stateMachinePolicy(context)),
      definition: renderJson(definition, { map_concurrency: "${var.map_concurrency}" }),
    });

    createCatalog(this, {
      name,
      vars,
      partition,
      region,
      accountId,
      bucketArn: storage.bucketArn,
      bucketKeyArn: context.bucketKeyArn,
      bucketName: storage.bucketName,
      keyArn: storage.key.arn,
      topicArn: storage.topic.arn,
      distDir,
      childStateMachine: stateMachine,
      roleName,
    });

    createAlarms(this, {
      name,
      stateMachineArn: stateMachine.arn,
      harvestFunctionName: functions.harvest.functionName,
      topicArn: storage.topic.arn,
      topicName: storage.topic.name,
    });
    createExecutionAlerts(this, {
      name,
      region,
      partition,
      accountId,
      stateMachineArn: stateMachine.arn,
      topicArn: storage.topic.arn,
    });

    new TerraformOutput(this, "state_machine_arn", { value: stateMachine.arn });
    new TerraformOutput(this, "destination_bucket", { value: storage.bucketName });
    new TerraformOutput(this, "notification_topic_arn", { value: storage.topic.arn });
    const exampleInput = {
      createAssetRequest: {
        Id: "asset-1",
        PackagingGroupId: "pg-1",
        SourceArn: "arn:aws:s3:::source-bucket/path/index.m3u8",
        SourceRoleArn: context.mediaPackageRoleArn,
        DestinationBucket: storage.bucketName,
        DestinationPath: "vod-downloads",
      },
      options: { Overwrite: false },
    };
    new TerraformOutput(this, "start_execution_example", {
      value: `aws stepfunctions start-execution --state-machine-arn ${stateMachine.arn} --input '${JSON.stringify(exampleInput)}'`,
    });
  }
}
