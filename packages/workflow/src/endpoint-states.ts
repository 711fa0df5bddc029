/**
 * The Map iteration run once per endpoint: wait until PLAYABLE (MediaPackage mode), skip when already complete,
 * harvest in time-boxed invocations, finalize. Every outcome ends in one EndpointResult; a failure of this
 * endpoint is reported and does not stop the others.
 *
 * Iteration input (built by the Map's ItemSelector in definition.ts):
 * `{ endpoint: EndpointSource, assetId, bucket, assetPrefix, overwrite, cdnIdentifierSecretArn,
 *    poll: {attempts, waitSeconds}, harvest: {done, cursor, objectsDone, objectsTotal, bytesDone} }`.
 */
import {
  type Catcher,
  type ChoiceRule,
  choice,
  inlineMap,
  pass,
  type State,
  type StateMachineFragment,
  waitState,
} from "./asl.js";
import type { ResolvedConfig } from "./config.js";
import { ENDPOINT_FAILED, ENDPOINT_NOT_PLAYABLE } from "./errors.js";
import { lambdaTask, mediaPackageTask, notification } from "./task-helpers.js";

/** Names of the iteration's states (unique across the whole definition: local overrides are keyed by name). */
export const ENDPOINT_STATES = {
  start: "StartEndpoint",
  awaitPlayable: "AwaitPlayableChoice",
  describe: "DescribeEndpointStatus",
  match: "MatchEndpointStatus",
  evaluate: "EvaluateEndpointStatus",
  statusChoice: "EndpointStatusChoice",
  packagingFailed: "EndpointPackagingFailed",
  neverPlayable: "EndpointNeverPlayable",
  wait: "WaitForEndpoint",
  backOff: "BackOffEndpointPoll",
  capChoice: "CapBackOffChoice",
  cap: "CapBackOff",
  check: "CheckCompletion",
  skipChoice: "SkipChoice",
  notifySkipped: "NotifyEndpointSkipped",
  skipped: "EndpointSkipped",
  harvest: "Harvest",
  doneChoice: "HarvestDoneChoice",
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

/** The inline Map over EgressEndpoints that yields each endpoint's Status, or OTHER, without a `[?()]` filter. */
function matchEndpointStatus(): StateMachineFragment {
  return {
    StartAt: "IsWantedEndpoint",
    States: {
      IsWantedEndpoint: choice(
        [{ Variable: "$.id", StringEqualsPath: "$.wanted", Next: "WantedEndpointStatus" }],
        "OtherEndpointStatus",
      ),
      WantedEndpointStatus: pass(undefined, { OutputPath: "$.status" }),
      OtherEndpointStatus: pass(undefined, { Result: "OTHER" }),
    },
  };
}

function pollStates(config: ResolvedConfig): Record<string, State> {
  const statusRules: ChoiceRule[] = [
    { Variable: "$.poll.playable", BooleanEquals: true, Next: S.check },
    { Variable: "$.poll.failed", BooleanEquals: true, Next: S.packagingFailed },
    { Variable: "$.poll.attempts", NumericGreaterThanEquals: config.poll.maxAttempts, Next: S.neverPlayable },
  ];
  return {
    [S.awaitPlayable]: choice(
      [{ Variable: "$.endpoint.awaitPlayable", BooleanEquals: true, Next: S.describe }],
      S.check,
    ),
    [S.describe]: mediaPackageTask("describeAsset", S.match, {
      Parameters: { "Id.$": "$.assetId" },
      ResultSelector: { "EgressEndpoints.$": "$.EgressEndpoints" },
      ResultPath: "$.poll.asset",
      Catch: CATCH_ENDPOINT,
    }),
    [S.match]: inlineMap(S.evaluate, {
      ItemsPath: "$.poll.asset.EgressEndpoints",
      ItemSelector: {
        "id.$": "$$.Map.Item.Value.PackagingConfigurationId",
        "status.$": "$$.Map.Item.Value.Status",
        "wanted.$": "$.endpoint.packagingConfigurationId",
      },
      processor: matchEndpointStatus(),
      ResultPath: "$.poll.statuses",
    }),
    // Replaces $.poll: the DescribeAsset result does not travel further.
    [S.evaluate]: pass(S.statusChoice, {
      Parameters: {
        "attempts.$": "States.MathAdd($.poll.attempts, 1)",
        "waitSeconds.$": "$.poll.waitSeconds",
        "playable.$": "States.ArrayContains($.poll.statuses, 'PLAYABLE')",
        "failed.$": "States.ArrayContains($.poll.statuses, 'FAILED')",
      },
      ResultPath: "$.poll",
    }),
    [S.statusChoice]: choice(statusRules, S.wait),
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
          "States.Format('The egress endpoint of packaging configuration {} of asset {} is not PLAYABLE after {} polls', $.endpoint.packagingConfigurationId, $.assetId, $.poll.attempts)",
      },
      ResultPath: "$.error",
    }),
    [S.wait]: waitState(S.backOff, { SecondsPath: "$.poll.waitSeconds" }),
    [S.backOff]: pass(S.capChoice, {
      Parameters: {
        "attempts.$": "$.poll.attempts",
        "waitSeconds.$": "States.MathAdd($.poll.waitSeconds, $.poll.waitSeconds)",
      },
      ResultPath: "$.poll",
    }),
    [S.capChoice]: choice(
      [{ Variable: "$.poll.waitSeconds", NumericGreaterThan: config.poll.maxSeconds, Next: S.cap }],
      S.describe,
    ),
    [S.cap]: pass(S.describe, {
      Parameters: { "attempts.$": "$.poll.attempts", waitSeconds: config.poll.maxSeconds },
      ResultPath: "$.poll",
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
      [{ Variable: "$.harvest.done", BooleanEquals: true, Next: S.finalize }],
      `${S.notifyProgress}Message`,
    ),
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
      [S.start]: pass(S.awaitPlayable, {
        Parameters: {
          "bucket.$": "$.bucket",
          "prefix.$": "States.Format('{}{}/', $.assetPrefix, $.endpoint.packagingConfigurationId)",
        },
        ResultPath: "$.destination",
      }),
      ...pollStates(config),
      ...harvestStates(config),
    },
  };
}
