/**
 * The asset-level wait for packaging (MediaPackage mode): describe the asset, resolve its endpoints, and while any
 * wanted endpoint is still QUEUED or PROCESSING, wait (doubling, capped) and describe it again. One loop for the
 * whole asset, so the history grows with the number of polls only, never with polls × endpoints; the endpoints
 * Map then starts with every endpoint settled (PLAYABLE, FAILED, or still PENDING when the wait gave up).
 *
 * State data: `$.poll = { attempts, waitSeconds }` (attempts counts asset descriptions, the first one included),
 * `$.asset` the latest description, `$.resolved` the latest ResolveEndpoints result.
 */
import { type Catcher, choice, pass, type State, waitState } from "./asl.js";
import type { ResolvedConfig } from "./config.js";
import { lambdaTask, mediaPackageTask } from "./task-helpers.js";

export const WAIT_STATES = {
  start: "StartPlayableWait",
  resolveEndpoints: "ResolveEndpoints",
  playableChoice: "PlayableChoice",
  wait: "WaitForPlayable",
  backOff: "BackOffAssetPoll",
  capChoice: "CapBackOffChoice",
  cap: "CapBackOff",
  pollAsset: "PollAsset",
} as const;

const W = WAIT_STATES;

/** The states from `start` to `done` (taken once no endpoint is PENDING, or the polls are used up). */
export function playableWaitStates(
  config: ResolvedConfig,
  done: string,
  onFailure: readonly Catcher[],
): Record<string, State> {
  return {
    [W.start]: pass(W.resolveEndpoints, {
      Result: { attempts: 1, waitSeconds: config.poll.initialSeconds },
      ResultPath: "$.poll",
    }),
    [W.resolveEndpoints]: lambdaTask(config, "resolve-endpoints", W.playableChoice, {
      Comment: "Filters by PackagingConfigurationIds; takes the CDN secret's ARN (never its value).",
      Parameters: {
        "asset.$": "$.asset",
        "packagingGroup.$": "$.packagingGroup",
        "packagingGroupId.$": "$.request.asset.PackagingGroupId",
        "packagingConfigurationIds.$": "$.request.options.packagingConfigurationIds",
      },
      ResultPath: "$.resolved",
      Catch: onFailure,
    }),
    [W.playableChoice]: choice(
      [
        { Variable: "$.resolved.pending", NumericEquals: 0, Next: done },
        { Variable: "$.poll.attempts", NumericGreaterThanEquals: config.poll.maxAttempts, Next: done },
      ],
      W.wait,
      "Endpoints still PENDING after the last poll are reported FAILED (EndpointNotPlayable) by the Map.",
    ),
    [W.wait]: waitState(W.backOff, { SecondsPath: "$.poll.waitSeconds" }),
    [W.backOff]: pass(W.capChoice, {
      Parameters: {
        "attempts.$": "States.MathAdd($.poll.attempts, 1)",
        "waitSeconds.$": "States.MathAdd($.poll.waitSeconds, $.poll.waitSeconds)",
      },
      ResultPath: "$.poll",
    }),
    [W.capChoice]: choice(
      [{ Variable: "$.poll.waitSeconds", NumericGreaterThan: config.poll.maxSeconds, Next: W.cap }],
      W.pollAsset,
    ),
    [W.cap]: pass(W.pollAsset, {
      Parameters: { "attempts.$": "$.poll.attempts", waitSeconds: config.poll.maxSeconds },
      ResultPath: "$.poll",
    }),
    [W.pollAsset]: mediaPackageTask("describeAsset", W.resolveEndpoints, {
      Parameters: { "Id.$": "$.request.assetId" },
      ResultPath: "$.asset",
      Catch: onFailure,
    }),
  };
}
