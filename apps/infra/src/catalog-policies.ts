/**
 * The catalogue's IAM policies as plain typed documents (policies.ts has the per-asset ones): its two Lambdas and
 * its state machine, which runs a Distributed Map whose children start the per-asset state machine.
 */
import { HARVEST_STATE_PREFIX } from "@vod-harvest/workflow";
import {
  lambdaLogsAndTracing,
  notifyStatements,
  type PolicyDocument,
  STATE_MACHINE_LOGS_AND_TRACING,
} from "./policies.js";

/** Where the catalogue keeps its item lists and Map Run results, in the destination bucket. */
const CATALOG_STATE_PREFIX = `${HARVEST_STATE_PREFIX}catalog/`;

export interface CatalogPolicyContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly bucketArn: string;
  readonly bucketKeyArn: string;
  /** The stack's key (the topic's). */
  readonly keyArn: string;
  readonly topicArn: string;
  /**
   * Where item lists may be read: the destination bucket under the deployment's prefix, and what the operator
   * allows elsewhere (var.catalog_item_list_arns: S3 object ARNs, wildcards allowed).
   */
  readonly itemListArns: string | readonly string[];
  readonly catalogStateMachineName: string;
  readonly childStateMachineArn: string;
  /** The child machine's name: its executions are `execution:<name>:*`. */
  readonly childStateMachineName: string;
  readonly prepareFunctionArn: string;
  readonly summarizeFunctionArn: string;
  readonly prepareLogGroupArn: string;
  readonly summarizeLogGroupArn: string;
}

const statesArn = (ctx: CatalogPolicyContext, kind: string, rest: string) =>
  `arn:${ctx.partition}:states:${ctx.region}:${ctx.accountId}:${kind}:${rest}`;

/** prepare-catalog: ListAssets, read an item list, write the normalized list under the catalogue's state prefix. */
export function prepareCatalogPolicy(ctx: CatalogPolicyContext): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      ...lambdaLogsAndTracing(ctx.prepareLogGroupArn),
      {
        // ListAssets takes no resource-level permission (IAM service reference): "*" is the only form.
        Sid: "ListAssets",
        Effect: "Allow",
        Action: "mediapackage-vod:ListAssets",
        Resource: "*",
      },
      {
        Sid: "ReadItemLists",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: ctx.itemListArns,
      },
      {
        Sid: "WriteItemList",
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: `${ctx.bucketArn}/${CATALOG_STATE_PREFIX}*`,
      },
      {
        Sid: "UseBucketKey",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: ctx.bucketKeyArn,
      },
    ],
  };
}

/** summarize-catalog: list and read the Map Run's result files, nothing else. */
export function summarizeCatalogPolicy(ctx: CatalogPolicyContext): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      ...lambdaLogsAndTracing(ctx.summarizeLogGroupArn),
      {
        Sid: "ListResults",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: ctx.bucketArn,
        Condition: { StringLike: { "s3:prefix": `${CATALOG_STATE_PREFIX}*` } },
      },
      {
        Sid: "ReadResults",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: `${ctx.bucketArn}/${CATALOG_STATE_PREFIX}*`,
      },
      { Sid: "UseBucketKey", Effect: "Allow", Action: "kms:Decrypt", Resource: ctx.bucketKeyArn },
    ],
  };
}

/**
 * The catalogue state machine: its two Lambdas; the Distributed Map (its own child executions, the item list and
 * results in S3); `startExecution.sync:2` of the per-asset machine only (start, describe, stop, and the EventBridge
 * rule Step Functions manages to learn when a child ends); the topic; logs and traces.
 */
export function catalogStateMachinePolicy(ctx: CatalogPolicyContext): PolicyDocument {
  const functions = [ctx.prepareFunctionArn, ctx.summarizeFunctionArn];
  const ownArn = statesArn(ctx, "stateMachine", ctx.catalogStateMachineName);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "InvokeCatalogLambdas",
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: [...functions, ...functions.map((arn) => `${arn}:*`)],
      },
      {
        // A Distributed Map runs each item as a child execution of this state machine.
        Sid: "RunMapChildren",
        Effect: "Allow",
        Action: "states:StartExecution",
        Resource: ownArn,
      },
      {
        Sid: "FollowMapChildren",
        Effect: "Allow",
        Action: ["states:DescribeExecution", "states:StopExecution"],
        Resource: statesArn(ctx, "execution", `${ctx.catalogStateMachineName}/*`),
      },
      {
        Sid: "FollowOwnMapRuns",
        Effect: "Allow",
        Action: ["states:DescribeMapRun", "states:ListMapRuns", "states:UpdateMapRun"],
        Resource: [statesArn(ctx, "mapRun", `${ctx.catalogStateMachineName}/*`), ownArn],
      },
      {
        Sid: "StartPerAssetExecutions",
        Effect: "Allow",
        Action: "states:StartExecution",
        Resource: ctx.childStateMachineArn,
      },
      {
        Sid: "FollowPerAssetExecutions",
        Effect: "Allow",
        Action: ["states:DescribeExecution", "states:StopExecution"],
        Resource: statesArn(ctx, "execution", `${ctx.childStateMachineName}:*`),
      },
      {
        // `.sync` learns of a child's end through this rule, which Step Functions creates and manages.
        Sid: "SyncEventsRule",
        Effect: "Allow",
        Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        Resource: `arn:${ctx.partition}:events:${ctx.region}:${ctx.accountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`,
      },
      {
        Sid: "ReadItemList",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: `${ctx.bucketArn}/${CATALOG_STATE_PREFIX}*`,
      },
      {
        Sid: "WriteMapResults",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: `${ctx.bucketArn}/${CATALOG_STATE_PREFIX}*`,
      },
      {
        Sid: "UseBucketKey",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: ctx.bucketKeyArn,
      },
      ...notifyStatements(ctx.topicArn, ctx.keyArn),
      ...STATE_MACHINE_LOGS_AND_TRACING,
    ],
  };
}
