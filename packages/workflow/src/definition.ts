/**
 * buildStateMachine: the whole workflow of DESIGN.md as one ASL object (JSONPath). The same object is deployed by
 * apps/infra and executed locally by apps/local.
 *
 * Top-level state data: `{ request: HarvestJob }` after Prepare; then `asset`, `packagingGroup`, `resolved`
 * (each a few KB at most) until KeepHarvestState drops them; `results` (one small entry per endpoint) after the
 * Map. Nothing grows with the asset's size.
 */
import { type Catcher, choice, inlineMap, pass, type State, type StateMachineDefinition } from "./asl.js";
import { type ResolvedConfig, resolveConfig, type StateMachineConfig } from "./config.js";
import { ENDPOINT_STATES, endpointProcessor } from "./endpoint-states.js";
import { MEDIAPACKAGE_NOT_FOUND } from "./errors.js";
import { harvestInvocationLimits, historyCosts } from "./history.js";
import { playableWaitStates, WAIT_STATES } from "./playable-wait.js";
import { MAX_ENDPOINTS } from "./schemas.js";
import { lambdaTask, mediaPackageTask, notification, notifyThenFail } from "./task-helpers.js";

/** Names of the top-level states. */
/** The tag CreateAsset puts on the assets it creates; DeleteAsset is allowed on those only. */
export const CREATED_ASSET_TAG = { key: "vod-harvest:created-by", value: "vod-harvest" } as const;

export const TOP_STATES = {
  prepare: "Prepare",
  notifyStarted: "NotifyHarvestStarted",
  modeChoice: "ModeChoice",
  describeAsset: "DescribeAsset",
  createAsset: "CreateAsset",
  describePackagingGroup: "DescribePackagingGroup",
  keepHarvestState: "KeepHarvestState",
  useDirectSources: "UseDirectSources",
  harvestEndpoints: "HarvestEndpoints",
  collectStatuses: "CollectStatuses",
  summarize: "Summarize",
  deleteChoice: "DeleteAssetChoice",
  deleteAsset: "DeleteAsset",
  finishedChoice: "FinishedChoice",
  notifyFinished: "NotifyHarvestFinished",
  notifyFinishedWithFailures: "NotifyHarvestFinishedWithFailures",
  output: "Output",
  notifyInputRejected: "NotifyInputRejected",
  inputRejected: "InputRejected",
  notifyFailed: "NotifyHarvestFailed",
  failed: "HarvestFailed",
} as const;

const T = TOP_STATES;
const failureMessage = `${T.notifyFailed}Message`;
/** After Prepare: report with the asset id, then fail with the original Error and Cause. */
const CATCH_FAILURE: readonly Catcher[] = [
  { ErrorEquals: ["States.ALL"], Next: failureMessage, ResultPath: "$.error" },
];

/** Harvest invocations each endpoint may use, indexed by the number of endpoints (see history.ts). */
interface InvocationLimits {
  readonly mediaPackage: readonly number[];
  readonly direct: readonly number[];
}

/** `States.ArrayGetItem` of the table at the endpoint count: a Pass state cannot divide, but it can index. */
function limitFor(table: readonly number[], endpointsPath: string): string {
  return `States.ArrayGetItem(States.Array(${table.join(", ")}), States.ArrayLength(${endpointsPath}))`;
}

export function buildStateMachine(input: StateMachineConfig): StateMachineDefinition {
  const config = resolveConfig(input);
  // The limits do not change what a path costs, so the costs are read from a build with placeholder tables.
  const unlimited = new Array<number>(MAX_ENDPOINTS + 1).fill(1);
  const costs = historyCosts(definitionWith(config, { mediaPackage: unlimited, direct: unlimited }), {
    endpointsMap: T.harvestEndpoints,
    harvestLoopEntry: ENDPOINT_STATES.harvest,
    perEndpointMaps: [T.collectStatuses],
    pollLoopEntry: WAIT_STATES.playableChoice,
  });
  return definitionWith(config, {
    mediaPackage: harvestInvocationLimits(costs, config.poll.maxAttempts, MAX_ENDPOINTS),
    direct: harvestInvocationLimits(costs, 0, MAX_ENDPOINTS),
  });
}

function definitionWith(config: ResolvedConfig, limits: InvocationLimits): StateMachineDefinition {
  const states: Record<string, State> = {
    // The raw input may be any JSON value, so it is wrapped, and a Prepare error replaces the state (no
    // ResultPath: merging into a non-object input would itself fail).
    [T.prepare]: lambdaTask(config, "prepare", `${T.notifyStarted}Message`, {
      Parameters: { "input.$": "$" },
      Catch: [{ ErrorEquals: ["States.ALL"], Next: `${T.notifyInputRejected}Message` }],
    }),
    ...notification(
      config,
      T.notifyStarted,
      "NOTIFICATION",
      "HarvestStarted",
      {
        "AssetId.$": "$.request.assetId",
        "Mode.$": "$.request.mode",
        "Destination.$":
          "States.Format('s3://{}/{}', $.request.destination.bucket, $.request.destination.prefix)",
      },
      T.modeChoice,
    ),
    [T.modeChoice]: choice(
      [{ Variable: "$.request.mode", StringEquals: "direct", Next: T.useDirectSources }],
      T.describeAsset,
    ),

    // Asset reuse or creation.
    [T.describeAsset]: mediaPackageTask("describeAsset", T.describePackagingGroup, {
      Parameters: { "Id.$": "$.request.asset.Id" },
      ResultPath: "$.asset",
      Catch: [
        { ErrorEquals: [MEDIAPACKAGE_NOT_FOUND], Next: T.createAsset, ResultPath: "$.assetLookup" },
        ...CATCH_FAILURE,
      ],
    }),
    [T.createAsset]: mediaPackageTask("createAsset", T.describePackagingGroup, {
      Parameters: {
        "Id.$": "$.request.asset.Id",
        "PackagingGroupId.$": "$.request.asset.PackagingGroupId",
        "SourceArn.$": "$.request.asset.SourceArn",
        "SourceRoleArn.$": "$.request.asset.SourceRoleArn",
        // Marks it as ours: only assets with this tag may be deleted after their harvest (the IAM policy says so).
        Tags: { [CREATED_ASSET_TAG.key]: CREATED_ASSET_TAG.value },
      },
      ResultPath: "$.asset",
      Catch: CATCH_FAILURE,
    }),
    [T.describePackagingGroup]: mediaPackageTask("describePackagingGroup", WAIT_STATES.start, {
      Parameters: { "Id.$": "$.request.asset.PackagingGroupId" },
      ResultPath: "$.packagingGroup",
      Catch: CATCH_FAILURE,
    }),
    ...playableWaitStates(config, T.keepHarvestState, CATCH_FAILURE),
    [T.keepHarvestState]: pass(T.harvestEndpoints, {
      Parameters: {
        "request.$": "$.request",
        "endpoints.$": "$.resolved.endpoints",
        "cdnIdentifierSecretArn.$": "$.resolved.cdnIdentifierSecretArn",
        "polls.$": "$.poll.attempts",
        "harvestInvocationLimit.$": limitFor(limits.mediaPackage, "$.resolved.endpoints"),
      },
    }),
    [T.useDirectSources]: pass(T.harvestEndpoints, {
      Parameters: {
        "request.$": "$.request",
        "endpoints.$": "$.request.sources",
        cdnIdentifierSecretArn: null,
        polls: 0,
        "harvestInvocationLimit.$": limitFor(limits.direct, "$.request.sources"),
      },
    }),

    [T.harvestEndpoints]: inlineMap(T.collectStatuses, {
      ItemsPath: "$.endpoints",
      MaxConcurrency: config.mapConcurrency,
      ItemSelector: {
        "endpoint.$": "$$.Map.Item.Value",
        "assetId.$": "$.request.assetId",
        "bucket.$": "$.request.destination.bucket",
        "assetPrefix.$": "$.request.destination.prefix",
        "overwrite.$": "$.request.options.overwrite",
        "cdnIdentifierSecretArn.$": "$.cdnIdentifierSecretArn",
        "polls.$": "$.polls",
        "harvestInvocationLimit.$": "$.harvestInvocationLimit",
        harvest: { done: false, cursor: null, objectsDone: 0, objectsTotal: 0, bytesDone: 0 },
      },
      processor: endpointProcessor(config),
      ResultPath: "$.results",
      Catch: CATCH_FAILURE,
    }),

    // Whether any endpoint FAILED, without a JSONPath filter: a Map turns results into a list of statuses.
    [T.collectStatuses]: inlineMap(T.summarize, {
      ItemsPath: "$.results",
      ItemSelector: { "status.$": "$$.Map.Item.Value.status" },
      processor: {
        StartAt: "ReadStatus",
        States: { ReadStatus: pass(undefined, { OutputPath: "$.status" }) },
      },
      ResultPath: "$.statuses",
    }),
    [T.summarize]: pass(T.deleteChoice, {
      Parameters: { "anyFailed.$": "States.ArrayContains($.statuses, 'FAILED')" },
      ResultPath: "$.summary",
    }),
    [T.deleteChoice]: choice(
      [
        {
          And: [
            { Variable: "$.request.mode", StringEquals: "mediapackage" },
            { Variable: "$.request.options.deleteAssetAfterHarvest", BooleanEquals: true },
            { Variable: "$.summary.anyFailed", BooleanEquals: false },
          ],
          Next: T.deleteAsset,
        },
      ],
      T.finishedChoice,
      "The asset is kept when an endpoint FAILED, so a new execution can retry without packaging again.",
    ),
    [T.deleteAsset]: mediaPackageTask("deleteAsset", T.finishedChoice, {
      Parameters: { "Id.$": "$.request.assetId" },
      ResultPath: null,
      Catch: CATCH_FAILURE,
    }),
    [T.finishedChoice]: choice(
      [
        {
          Variable: "$.summary.anyFailed",
          BooleanEquals: true,
          Next: `${T.notifyFinishedWithFailures}Message`,
        },
      ],
      `${T.notifyFinished}Message`,
    ),
    ...notification(
      config,
      T.notifyFinished,
      "NOTIFICATION",
      "HarvestFinished",
      { "AssetId.$": "$.request.assetId", "Results.$": "$.results" },
      T.output,
    ),
    ...notification(
      config,
      T.notifyFinishedWithFailures,
      "ERROR",
      "HarvestFinished",
      { "AssetId.$": "$.request.assetId", "Results.$": "$.results" },
      T.output,
    ),
    [T.output]: pass(undefined, {
      Parameters: { "assetId.$": "$.request.assetId", "results.$": "$.results" },
    }),

    // Failures: one ERROR notification, then a Fail carrying the original error name and cause.
    ...notifyThenFail(
      config,
      { notify: T.notifyInputRejected, fail: T.inputRejected },
      "HarvestFailed",
      {},
      "$",
    ),
    ...notifyThenFail(
      config,
      { notify: T.notifyFailed, fail: T.failed },
      "HarvestFailed",
      { "AssetId.$": "$.request.assetId" },
      "$.error",
    ),
  };
  return {
    Comment:
      "vod-harvest: package with MediaPackage VOD (or take direct sources) and copy every endpoint to S3.",
    QueryLanguage: "JSONPath",
    TimeoutSeconds: config.executionTimeoutSeconds,
    StartAt: T.prepare,
    States: states,
  };
}
