/**
 * The Map iteration run once per endpoint: report an endpoint the asset-level wait left FAILED or not PLAYABLE,
 * skip when already complete, harvest in time-boxed invocations (at most `harvestInvocationLimit`), finalize. Every outcome ends in one EndpointResult; a failure of this
 * endpoint is reported and does not stop the others.
 *
 * Iteration input (built by the Map's ItemSelector in definition.ts):
 * `{ endpoint: EndpointSource, assetId, bucket, assetPrefix, overwrite, cdnIdentifierSecretArn,
 *    polls, harvestInvocationLimit, harvest: {done, cursor, objectsDone, objectsTotal, bytesDone} }`.
 */
import { type Catcher, choice, pass, type State, type StateMachineFragment } from "./asl.js";
import type { ResolvedConfig } from "./config.js";
import { ENDPOINT_FAILED, ENDPOINT_NOT_PLAYABLE, HARVEST_INVOCATION_LIMIT } from "./errors.js";
import { lambdaTask, notification } from "./task-helpers.js";

/** Names of the iteration's states (unique across the whole definition: local overrides are keyed by name). */
export const ENDPOINT_STATES = {
  start: "StartEndpoint",
  statusChoice: "EndpointStatusChoice",
  packagingFailed: "EndpointPackagingFailed",
  neverPlayable: "EndpointNeverPlayable",
  check: "CheckCompletion",
  skipChoice: "SkipChoice",
  notifySkipped: "NotifyEndpointSkipped",
  skipped: "EndpointSkipped",
  harvest: "Harvest",
  doneChoice: "HarvestDoneChoice",
  invocationLimit: "HarvestInvocationLimitReached",
  notifyProgress: "NotifyHarvestProgress",
  finalize: "Finalize",
  notifyComplete: "NotifyEndpointComplete",
  complete: "EndpointComplete",
  notifyFailed: "NotifyEndpointFailed",
  failed: "EndpointFailed",
} as const;

const S = ENDPOINT_STATES;
const failedMessage = `${S.notifyFailed}Message`;
/** Any error of this endpoint's Tasks (after their retries): report it, record FAILED, go on with the others. */
const CATCH_ENDPOINT: readonly Catcher[] = [
  { ErrorEquals: ["States.ALL"], Next: failedMessage, ResultPath: "$.error" },
];

const endpointFields = {
  "AssetId.$": "$.assetId",
  "PackagingConfigurationId.$": "$.endpoint.packagingConfigurationId",
};

/** Endpoints the asset-level wait left FAILED or still PENDING are reported FAILED; the others go on. */
function statusStates(): Record<string, State> {
  return {
    [S.statusChoice]: choice(
      [
        { Variable: "$.endpoint.packagingStatus", StringEquals: "FAILED", Next: S.packagingFailed },
        { Variable: "$.endpoint.packagingStatus", StringEquals: "PENDING", Next: S.neverPlayable },
      ],
      S.check,
    ),
    [S.packagingFailed]: pass(failedMessage, {
      Parameters: {
        Error: ENDPOINT_FAILED,
        "Cause.$":
          "States.Format('MediaPackage reports the egress endpoint of packaging configuration {} of asset {} as FAILED', $.endpoint.packagingConfigurationId, $.assetId)",
      },
      ResultPath: "$.error",
    }),
    [S.neverPlayable]: pass(failedMessage, {
      Parameters: {
        Error: ENDPOINT_NOT_PLAYABLE,
        "Cause.$":
          "States.Format('The egress endpoint of packaging configuration {} of asset {} is not PLAYABLE after {} polls', $.endpoint.packagingConfigurationId, $.assetId, $.polls)",
      },
      ResultPath: "$.error",
    }),
  };
}

function harvestStates(config: ResolvedConfig): Record<string, State> {
  const target = {
    "assetId.$": "$.assetId",
    "packagingConfigurationId.$": "$.endpoint.packagingConfigurationId",
    "destination.$": "$.destination",
  };
  return {
    [S.check]: lambdaTask(config, "check", S.skipChoice, {
      Parameters: target,
      ResultPath: "$.check",
      Catch: CATCH_ENDPOINT,
    }),
    [S.skipChoice]: choice(
      [
        {
          And: [
            { Variable: "$.check.complete", BooleanEquals: true },
            { Variable: "$.overwrite", BooleanEquals: false },
          ],
          Next: `${S.notifySkipped}Message`,
        },
      ],
      S.harvest,
    ),
    ...notification(
      config,
      S.notifySkipped,
      "NOTIFICATION",
      "EndpointSkipped",
      {
        ...endpointFields,
        "Entry.$": "$.check.entry",
        "Objects.$": "$.check.objects",
        "Bytes.$": "$.check.bytes",
        "ChecksumAlgorithm.$": "$.check.checksumAlgorithm",
      },
      S.skipped,
    ),
    [S.skipped]: pass(undefined, {
      Parameters: {
        "packagingConfigurationId.$": "$.endpoint.packagingConfigurationId",
        status: "SKIPPED",
        "entry.$": "$.check.entry",
        "objects.$": "$.check.objects",
        "bytes.$": "$.check.bytes",
      },
    }),
    [S.harvest]: lambdaTask(config, "harvest", S.doneChoice, {
      Comment: "Runs until done or its time budget; only counts and a small cursor come back.",
      Parameters: {
        ...target,
        "entryUrl.$": "$.endpoint.url",
        "overwrite.$": "$.overwrite",
        "cdnIdentifierSecretArn.$": "$.cdnIdentifierSecretArn",
        "cursor.$": "$.harvest.cursor",
      },
      ResultPath: "$.harvest",
      // A harvest invocation is resumable, so a timed-out one (the Task's or the Lambda's own timeout) is simply
      // run again, and so is one whose runtime died (Lambda.Unknown: out of memory, a crashed process).
      extraRetry: [
        {
          ErrorEquals: ["States.Timeout", "Sandbox.Timedout", "Lambda.Unknown"],
          IntervalSeconds: 1,
          MaxAttempts: 2,
          BackoffRate: 2,
        },
      ],
      Catch: CATCH_ENDPOINT,
    }),
    [S.doneChoice]: choice(
      [
        { Variable: "$.harvest.done", BooleanEquals: true, Next: S.finalize },
        {
          Variable: "$.harvest.cursor.invocations",
          NumericGreaterThanEqualsPath: "$.harvestInvocationLimit",
          Next: S.invocationLimit,
        },
      ],
      `${S.notifyProgress}Message`,
    ),
    // Bounds the loop, so the execution's history stays under Step Functions' limit (history.ts).
    [S.invocationLimit]: pass(failedMessage, {
      Parameters: {
        Error: HARVEST_INVOCATION_LIMIT,
        "Cause.$":
          "States.Format('The copy of packaging configuration {} of asset {} is not finished after {} harvest invocations, the most one execution can hold for this many endpoints; start the execution again (or raise the harvest Lambda timeout)', $.endpoint.packagingConfigurationId, $.assetId, $.harvest.cursor.invocations)",
      },
      ResultPath: "$.error",
    }),
    ...notification(
      config,
      S.notifyProgress,
      "NOTIFICATION",
      "HarvestProgress",
      {
        ...endpointFields,
        "ObjectsDone.$": "$.harvest.objectsDone",
        "ObjectsTotal.$": "$.harvest.objectsTotal",
        "BytesDone.$": "$.harvest.bytesDone",
      },
      S.harvest,
    ),
    [S.finalize]: lambdaTask(config, "finalize", `${S.notifyComplete}Message`, {
      Parameters: { ...target, "cursor.$": "$.harvest.cursor" },
      ResultPath: "$.final",
      Catch: CATCH_ENDPOINT,
    }),
    ...notification(
      config,
      S.notifyComplete,
      "NOTIFICATION",
      "EndpointComplete",
      {
        ...endpointFields,
        "Entry.$": "$.final.entry",
        "Objects.$": "$.final.objects",
        "Bytes.$": "$.final.bytes",
        "ChecksumAlgorithm.$": "$.final.checksumAlgorithm",
      },
      S.complete,
    ),
    [S.complete]: pass(undefined, {
      Parameters: {
        "packagingConfigurationId.$": "$.endpoint.packagingConfigurationId",
        status: "COMPLETE",
        "entry.$": "$.final.entry",
        "objects.$": "$.final.objects",
        "bytes.$": "$.final.bytes",
      },
    }),
    ...notification(
      config,
      S.notifyFailed,
      "ERROR",
      "EndpointFailed",
      { ...endpointFields, "Error.$": "$.error.Error", "Cause.$": "$.error.Cause" },
      S.failed,
    ),
    [S.failed]: pass(undefined, {
      Parameters: {
        "packagingConfigurationId.$": "$.endpoint.packagingConfigurationId",
        status: "FAILED",
        entry: null,
        "objects.$": "$.harvest.objectsDone",
        "bytes.$": "$.harvest.bytesDone",
      },
    }),
  };
}

/** The ItemProcessor of the endpoints Map. */
export function endpointProcessor(config: ResolvedConfig): StateMachineFragment {
  return {
    StartAt: S.start,
    States: {
      // The per-endpoint destination of DESIGN.md's layout: <DestinationPath>/<Id>/<config>/.
      [S.start]: pass(S.statusChoice, {
        Parameters: {
          "bucket.$": "$.bucket",
          "prefix.$": "States.Format('{}{}/', $.assetPrefix, $.endpoint.packagingConfigurationId)",
        },
        ResultPath: "$.destination",
      }),
      ...statusStates(),
      ...harvestStates(config),
    },
  };
}
