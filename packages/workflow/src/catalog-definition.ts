/**
 * buildCatalogStateMachine: the catalogue workflow (issue 13) as one ASL object. PrepareCatalog validates the
 * input and writes the item list — one per-asset execution input per line — to the destination bucket's state
 * prefix; a Distributed Map reads it (no list travels in state data, whatever its size) and starts the per-asset
 * state machine once per item as a child execution (`startExecution.sync:2`: one definition of the per-asset
 * workflow, reused), MaxConcurrency and ToleratedFailurePercentage from the input, results written back to S3;
 * SummarizeCatalog reads them and one SNS message reports the counts and the failed assets.
 */
import { choice, fail, pass, type State, type StateMachineDefinition, task } from "./asl.js";
import {
  type LambdaTaskFields,
  lambdaArnTask,
  notification,
  notifyThenFail,
  serviceRetry,
} from "./task-helpers.js";

/** Starts a child execution and waits for its end, output parsed as JSON (the `:2` variant). */
export const START_EXECUTION_SYNC = "arn:aws:states:::states:startExecution.sync:2";

export const CATALOG_LAMBDA_NAMES = ["prepare-catalog", "summarize-catalog"] as const;
export type CatalogLambdaName = (typeof CATALOG_LAMBDA_NAMES)[number];

export interface CatalogStateMachineConfig {
  readonly lambdaArns: Readonly<Record<CatalogLambdaName, string>>;
  /** The per-asset state machine each item runs as a child execution. */
  readonly childStateMachineArn: string;
  readonly topicArn: string;
  /** Whole-catalogue timeout. Default 7 days. */
  readonly executionTimeoutSeconds?: number;
}

/**
 * A child whose per-asset execution succeeded with an endpoint FAILED (the per-asset output contract) fails its
 * Map item with this error, its results as the cause: the Map's failure tolerance counts assets not harvested.
 */
export const ASSET_HARVEST_FAILED = "AssetHarvestFailed";

/**
 * The names of the per-asset executions a catalogue starts begin with this (then a UUID): their notifications'
 * `Execution` tells them apart, so an email subscription can leave them to the catalogue's one summary.
 */
export const CATALOG_CHILD_NAME_PREFIX = "catalog-";

export const CATALOG_STATES = {
  prepare: "PrepareCatalog",
  notifyStarted: "NotifyCatalogStarted",
  harvest: "HarvestCatalog",
  harvestAsset: "HarvestAsset",
  checkAsset: "CheckAssetResults",
  assetChoice: "AssetResultChoice",
  assetHarvested: "AssetHarvested",
  assetFailed: "AssetHarvestFailed",
  summarize: "SummarizeCatalog",
  finishedChoice: "CatalogFinishedChoice",
  notifyFinished: "NotifyCatalogFinished",
  notifyFinishedWithFailures: "NotifyCatalogFinishedWithFailures",
  output: "CatalogOutput",
  notifyFailed: "NotifyCatalogFailed",
  failed: "CatalogFailed",
} as const;
const C = CATALOG_STATES;

export function buildCatalogStateMachine(input: CatalogStateMachineConfig): StateMachineDefinition {
  const config = { topicArn: input.topicArn };
  const lambda = (name: CatalogLambdaName, next: string, fields: LambdaTaskFields) =>
    // Both Lambdas page or read lists, well within Lambda's 15 minutes.
    lambdaArnTask(input.lambdaArns[name], 960, next, {
      ...fields,
      // ListAssets throttled past the SDK's own retries: the whole page loop starts again, later.
      extraRetry: [serviceRetry(["TooManyRequestsException"])],
    });
  const states: Record<string, State> = {
    [C.prepare]: lambda("prepare-catalog", `${C.notifyStarted}Message`, {
      Comment: "Validates the input; pages ListAssets (or reads ItemsS3Uri) into the item list in S3.",
      Parameters: { "input.$": "$", "executionName.$": "$$.Execution.Name" },
      ResultPath: "$.catalog",
      Catch: [{ ErrorEquals: ["States.ALL"], Next: `${C.notifyFailed}Message`, ResultPath: "$.error" }],
    }),
    ...notification(
      config,
      C.notifyStarted,
      "NOTIFICATION",
      "CatalogStarted",
      {
        "Assets.$": "$.catalog.count",
        "Destination.$":
          "States.Format('s3://{}/{}', $.catalog.destination.bucket, $.catalog.destination.prefix)",
      },
      C.harvest,
    ),
    [C.harvest]: {
      Type: "Map",
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: "JSONL" },
        Parameters: { "Bucket.$": "$.catalog.bucket", "Key.$": "$.catalog.itemsKey" },
      },
      ItemSelector: { "input.$": "$$.Map.Item.Value" },
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
        StartAt: C.harvestAsset,
        States: {
          [C.harvestAsset]: task(START_EXECUTION_SYNC, C.checkAsset, {
            Parameters: {
              StateMachineArn: input.childStateMachineArn,
              "Input.$": "$.input",
              "Name.$": `States.Format('${CATALOG_CHILD_NAME_PREFIX}{}', States.UUID())`,
            },
            ResultSelector: {
              "assetId.$": "$.Output.assetId",
              "results.$": "$.Output.results",
              "statuses.$": "$.Output.results[*].status",
            },
            // Starting too many executions at once is refused (ExecutionLimitExceeded): wait and start again.
            Retry: [
              serviceRetry([
                "StepFunctions.ExecutionLimitExceededException",
                "StepFunctions.AWSStepFunctionsException",
              ]),
            ],
          }),
          [C.checkAsset]: pass(C.assetChoice, {
            Parameters: {
              "anyFailed.$": "States.ArrayContains($.statuses, 'FAILED')",
              "results.$": "States.JsonToString($.results)",
            },
            ResultPath: "$.check",
          }),
          [C.assetChoice]: choice(
            [{ Variable: "$.check.anyFailed", BooleanEquals: true, Next: C.assetFailed }],
            C.assetHarvested,
          ),
          [C.assetHarvested]: pass(undefined, {
            Parameters: { "assetId.$": "$.assetId", "results.$": "$.results" },
          }),
          // The summary reads the results back from the cause (a failed child has no output).
          [C.assetFailed]: fail({ Error: ASSET_HARVEST_FAILED, CausePath: "$.check.results" }),
        },
      },
      MaxConcurrencyPath: "$.catalog.maxConcurrency",
      ToleratedFailurePercentagePath: "$.catalog.toleratedFailurePercentage",
      ResultWriter: {
        Resource: "arn:aws:states:::s3:putObject",
        Parameters: { "Bucket.$": "$.catalog.bucket", "Prefix.$": "$.catalog.resultsPrefix" },
      },
      ResultPath: "$.map",
      Next: C.summarize,
      Catch: [
        // More failures than tolerated: the summary still says which assets failed and where the report is.
        {
          ErrorEquals: ["States.ExceedToleratedFailureThreshold"],
          Next: C.summarize,
          ResultPath: "$.mapError",
        },
        { ErrorEquals: ["States.ALL"], Next: `${C.notifyFailed}Message`, ResultPath: "$.error" },
      ],
    },
    [C.summarize]: lambda("summarize-catalog", C.finishedChoice, {
      Comment: "Reads the results the Map wrote: counts by status, bytes, failed asset ids.",
      Parameters: { "bucket.$": "$.catalog.bucket", "resultsPrefix.$": "$.catalog.resultsPrefix" },
      ResultPath: "$.summary",
      Catch: [{ ErrorEquals: ["States.ALL"], Next: `${C.notifyFailed}Message`, ResultPath: "$.error" }],
    }),
    [C.finishedChoice]: choice(
      [
        {
          Variable: "$.summary.failed",
          NumericGreaterThan: 0,
          Next: `${C.notifyFinishedWithFailures}Message`,
        },
      ],
      `${C.notifyFinished}Message`,
    ),
    ...notification(
      config,
      C.notifyFinished,
      "NOTIFICATION",
      "CatalogFinished",
      { "Summary.$": "$.summary" },
      C.output,
    ),
    ...notification(
      config,
      C.notifyFinishedWithFailures,
      "ERROR",
      "CatalogFinished",
      { "Summary.$": "$.summary" },
      C.output,
    ),
    [C.output]: pass(undefined, { Parameters: { "summary.$": "$.summary" } }),
    ...notifyThenFail(config, { notify: C.notifyFailed, fail: C.failed }, "CatalogFailed", {}, "$.error"),
  };
  return {
    Comment:
      "vod-harvest catalogue: every asset of a packaging group (or an item list), one child execution each.",
    QueryLanguage: "JSONPath",
    TimeoutSeconds: input.executionTimeoutSeconds ?? 7 * 24 * 3600,
    StartAt: C.prepare,
    States: states,
  };
}
