/**
 * Every IAM policy of the stack as plain typed documents. Builders take ARNs as strings: Terraform references
 * when the stack synthesizes them, concrete ARNs when the tests simulate them, so what is simulated is what is
 * deployed.
 */
import {
  COMPLETION_RECORD_KEY,
  CREATED_ASSET_TAG,
  HARVEST_STATE_PREFIX,
  type LambdaName,
} from "@vod-harvest/workflow";

export type OneOrMany = string | readonly string[];

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | { readonly AWS?: OneOrMany; readonly Service?: OneOrMany };
  readonly Action: OneOrMany;
  readonly Resource?: OneOrMany;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, OneOrMany>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

function doc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** The ARNs the policies are about. */
export interface PolicyContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly bucketArn: string;
  /** The stack's key (topic, logs, and a bucket the stack creates). */
  readonly keyArn: string;
  /** The key the destination bucket encrypts with: an existing bucket's own CMK, or the stack's key. */
  readonly bucketKeyArn: string;
  /** Key prefix the workflow writes content under (`var.destination_prefix`; empty: the whole bucket). */
  readonly destinationPrefix: string;
  readonly topicArn: string;
  readonly mediaPackageRoleArn: string;
  readonly lambdaArns: Readonly<Record<LambdaName, string>>;
  readonly logGroupArns: Readonly<Record<LambdaName, string>>;
}

export function assumeRolePolicy(
  service: "lambda.amazonaws.com" | "states.amazonaws.com",
  accountId: string,
): PolicyDocument {
  return doc({
    Sid: "AssumedByService",
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
    // Confused-deputy guard: only this account's functions / state machines may assume the role.
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  });
}

/** A state machine's execution logs and traces (both state machines of the stack). */
export const STATE_MACHINE_LOGS_AND_TRACING: readonly PolicyStatement[] = [
  {
    // CloudWatch Logs vended-log delivery and X-Ray take no resource-level permissions: "*" is the only form.
    Sid: "DeliverExecutionLogs",
    Effect: "Allow",
    Action: [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ],
    Resource: "*",
  },
  {
    Sid: "Tracing",
    Effect: "Allow",
    Action: [
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
    ],
    Resource: "*",
  },
];

/** Publishing to the stack's (KMS-encrypted) topic: both state machines notify. */
export function notifyStatements(topicArn: string, keyArn: string): PolicyStatement[] {
  return [
    { Sid: "Notify", Effect: "Allow", Action: "sns:Publish", Resource: topicArn },
    {
      Sid: "UseKeyOfEncryptedTopic",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: keyArn,
    },
  ];
}

/** Step Functions may call exactly what its Tasks call, on the stack's resources. */
export function stateMachinePolicy(ctx: PolicyContext): PolicyDocument {
  const mediaPackage = `arn:${ctx.partition}:mediapackage-vod:${ctx.region}:${ctx.accountId}`;
  const functions = Object.values(ctx.lambdaArns);
  return doc(
    {
      Sid: "InvokeWorkflowLambdas",
      Effect: "Allow",
      Action: "lambda:InvokeFunction",
      Resource: [...functions, ...functions.map((arn) => `${arn}:*`)],
    },
    {
      Sid: "DescribeAssets",
      Effect: "Allow",
      Action: "mediapackage-vod:DescribeAsset",
      Resource: `${mediaPackage}:assets/*`,
    },
    {
      // Only assets the workflow created (tagged so by CreateAsset): DeleteAssetAfterHarvest cannot remove an
      // asset someone else made, whoever starts the execution.
      Sid: "DeleteAssetsItCreated",
      Effect: "Allow",
      Action: "mediapackage-vod:DeleteAsset",
      Resource: `${mediaPackage}:assets/*`,
      Condition: { StringEquals: { [`aws:ResourceTag/${CREATED_ASSET_TAG.key}`]: CREATED_ASSET_TAG.value } },
    },
    {
      // CreateAsset has no resource-level permission (IAM service reference): "*" is the only form it accepts.
      // What it may do is bounded by the PassRole statement below, and it must carry the workflow's tag.
      Sid: "CreateAssets",
      Effect: "Allow",
      Action: "mediapackage-vod:CreateAsset",
      Resource: "*",
      Condition: { StringEquals: { [`aws:RequestTag/${CREATED_ASSET_TAG.key}`]: CREATED_ASSET_TAG.value } },
    },
    {
      // Tagging on create is authorized as TagResource too, for that tag only.
      Sid: "TagAssetsOnCreate",
      Effect: "Allow",
      Action: "mediapackage-vod:TagResource",
      Resource: `${mediaPackage}:assets/*`,
      Condition: {
        StringEquals: { [`aws:RequestTag/${CREATED_ASSET_TAG.key}`]: CREATED_ASSET_TAG.value },
        "ForAllValues:StringEquals": { "aws:TagKeys": CREATED_ASSET_TAG.key },
      },
    },
    {
      Sid: "DescribePackagingGroups",
      Effect: "Allow",
      Action: "mediapackage-vod:DescribePackagingGroup",
      Resource: `${mediaPackage}:packaging-groups/*`,
    },
    {
      Sid: "PassMediaPackageRoleToMediaPackageOnly",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: ctx.mediaPackageRoleArn,
      Condition: { StringEquals: { "iam:PassedToService": "mediapackage.amazonaws.com" } },
    },
    ...notifyStatements(ctx.topicArn, ctx.keyArn),
    ...STATE_MACHINE_LOGS_AND_TRACING,
  );
}

/**
 * What each handler does with the destination bucket. Only harvest writes (content, completion record, plans and
 * their journals); finalize only reads the record back and lists the copy.
 */
const LAMBDA_BUCKET_ACCESS: Readonly<Record<LambdaName, "none" | "read" | "read-write">> = {
  prepare: "none",
  "resolve-endpoints": "none",
  check: "read",
  harvest: "read-write",
  finalize: "read",
};

/**
 * The Lambdas that may delete completion records: with overwrite, the engine deletes the old record before
 * copying so a partial copy never looks complete.
 */
const LAMBDAS_DELETING_COMPLETION_RECORDS: ReadonlySet<LambdaName> = new Set(["harvest"]);

/**
 * The Lambda that removes a finished run's harvest state (plan, journal) and expired runs' state: an existing
 * bucket has no lifecycle rule of ours. Nothing else is ever deleted.
 */
const LAMBDAS_DELETING_HARVEST_STATE: ReadonlySet<LambdaName> = new Set(["finalize"]);

/**
 * Every completion record the stack can write: content prefixes are `<destination prefix><DestinationPath>/<Id>/
 * <config>/` (at least two levels; `*` spans `/` in an S3 ARN), the record sits at their root.
 */
function completionRecordsArn(bucketArn: string, destinationPrefix: string): string {
  return `${bucketArn}/${destinationPrefix}*/*/${COMPLETION_RECORD_KEY}`;
}

/** Where the Lambdas read and write: the content under the destination prefix, and the harvest state. */
function workflowObjectArns(ctx: PolicyContext): string[] {
  return [`${ctx.bucketArn}/${ctx.destinationPrefix}*`, `${ctx.bucketArn}/${HARVEST_STATE_PREFIX}*`];
}

/** One Lambda's own policy: its log group, tracing, and the bucket as LAMBDA_BUCKET_ACCESS says. */
/** Every Lambda of the stack: its own log group and traces. */
export function lambdaLogsAndTracing(logGroupArn: string): PolicyStatement[] {
  return [
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${logGroupArn}:*`,
    },
    {
      Sid: "Tracing",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: "*",
    },
  ];
}

export function lambdaPolicy(name: LambdaName, ctx: PolicyContext): PolicyDocument {
  const statements: PolicyStatement[] = lambdaLogsAndTracing(ctx.logGroupArns[name]);
  const access = LAMBDA_BUCKET_ACCESS[name];
  if (access !== "none") {
    const write = access === "read-write";
    statements.push(
      {
        Sid: "ListDestinationBucket",
        Effect: "Allow",
        Action: write ? ["s3:ListBucket", "s3:ListBucketMultipartUploads"] : "s3:ListBucket",
        Resource: ctx.bucketArn,
      },
      {
        // No s3:DeleteObject here: a harvest only ever adds or replaces objects (see DeleteCompletionRecords).
        Sid: write ? "ReadWriteDestinationObjects" : "ReadDestinationObjects",
        Effect: "Allow",
        Action: write
          ? ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
          : "s3:GetObject",
        Resource: workflowObjectArns(ctx),
      },
      {
        Sid: "UseBucketKey",
        Effect: "Allow",
        Action: write ? ["kms:GenerateDataKey", "kms:Decrypt"] : "kms:Decrypt",
        Resource: ctx.bucketKeyArn,
      },
    );
  }
  if (LAMBDAS_DELETING_COMPLETION_RECORDS.has(name)) {
    statements.push({
      Sid: "DeleteCompletionRecords",
      Effect: "Allow",
      Action: "s3:DeleteObject",
      Resource: completionRecordsArn(ctx.bucketArn, ctx.destinationPrefix),
    });
  }
  if (LAMBDAS_DELETING_HARVEST_STATE.has(name)) {
    statements.push({
      Sid: "DeleteHarvestState",
      Effect: "Allow",
      Action: "s3:DeleteObject",
      Resource: `${ctx.bucketArn}/${HARVEST_STATE_PREFIX}*`,
    });
  }
  return doc(...statements);
}

/** Only the harvest Lambda reads secrets, and only the configured CDN authorization ones. */
export function cdnSecretsPolicy(secretArns: OneOrMany): PolicyDocument {
  return doc({
    Sid: "ReadConfiguredCdnSecrets",
    Effect: "Allow",
    Action: "secretsmanager:GetSecretValue",
    Resource: secretArns,
  });
}

/** Refuses every request to the bucket that does not use TLS. */
export function bucketTlsOnlyPolicy(bucketArn: string): PolicyDocument {
  return doc({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
}

/**
 * The account administers the key through IAM; services get access through their roles' policies. EventBridge
 * and CloudWatch alarms, which have no role here, may use it only to publish to the (encrypted) topic for this
 * account; CloudWatch Logs only for this account's log groups (they are encrypted with it).
 */
export function keyPolicy(partition: string, accountId: string, region: string): PolicyDocument {
  return doc(
    {
      Sid: "EnableIamPolicies",
      Effect: "Allow",
      Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "EventBridgeToEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
    {
      Sid: "CloudWatchLogsOfThisAccount",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*`,
        },
      },
    },
  );
}

/**
 * The topic: TLS only; EventBridge may publish to it only for the stack's own rule, CloudWatch only for this
 * account's alarms matching `alarmArnPattern` (the stack's).
 */
export function topicPolicy(
  topicArn: string,
  ruleArn: string,
  accountId: string,
  alarmArnPattern: string,
): PolicyDocument {
  /** A service with no role here may publish only on behalf of `sourceArn` in this account. */
  const servicePublishes = (
    Sid: string,
    service: string,
    sourceArn: Readonly<Record<string, Readonly<Record<string, string>>>>,
  ): PolicyStatement => ({
    Sid,
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sns:Publish",
    Resource: topicArn,
    Condition: { ...sourceArn, StringEquals: { "aws:SourceAccount": accountId } },
  });
  return doc(
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    servicePublishes("EventBridgeExecutionAlerts", "events.amazonaws.com", {
      ArnEquals: { "aws:SourceArn": ruleArn },
    }),
    servicePublishes("CloudWatchAlarms", "cloudwatch.amazonaws.com", {
      ArnLike: { "aws:SourceArn": alarmArnPattern },
    }),
  );
}
