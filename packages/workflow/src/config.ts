/** What buildStateMachine needs to know about its deployment: ARNs and tuning. */
import type { DeployTimeValue } from "./asl.js";
import type { LambdaName } from "./lambda-contracts.js";

export interface PollConfig {
  /** First pause between two DescribeAsset calls while an endpoint is not PLAYABLE. Integer ≥ 1. */
  readonly initialSeconds: number;
  /** The pause doubles after each poll up to this. Integer ≥ initialSeconds. */
  readonly maxSeconds: number;
  /** Polls before the endpoint is reported FAILED (EndpointNotPlayable). */
  readonly maxAttempts: number;
}

export interface StateMachineConfig {
  /** Function ARN (or, for local runs, any Lambda-shaped ARN) of each Lambda. */
  readonly lambdaArns: Readonly<Record<LambdaName, string>>;
  /** SNS topic receiving every notification. */
  readonly topicArn: string;
  /** Endpoints harvested at once (each runs one harvest Lambda at a time). Default 4. */
  readonly mapConcurrency?: number | DeployTimeValue;
  readonly poll?: Partial<PollConfig>;
  /**
   * Local runs (no real packaging delay worth waiting for): poll every second, no backoff growth. The definition
   * stays the same shape; only the numbers change.
   */
  readonly shortWaits?: boolean;
  /** TimeoutSeconds of every Lambda Task: above the Lambdas' own timeout. Default 960 (Lambda max 900 + margin). */
  readonly lambdaTaskTimeoutSeconds?: number;
  /** Whole-execution timeout. Default 48 h. */
  readonly executionTimeoutSeconds?: number;
}

export interface ResolvedConfig {
  readonly lambdaArns: Readonly<Record<LambdaName, string>>;
  readonly topicArn: string;
  readonly mapConcurrency: number | DeployTimeValue;
  readonly poll: PollConfig;
  readonly lambdaTaskTimeoutSeconds: number;
  readonly executionTimeoutSeconds: number;
}

export const DEFAULT_POLL: PollConfig = { initialSeconds: 10, maxSeconds: 120, maxAttempts: 120 };
const SHORT_POLL: PollConfig = { initialSeconds: 1, maxSeconds: 1, maxAttempts: 180 };

export function resolveConfig(config: StateMachineConfig): ResolvedConfig {
  const poll = { ...(config.shortWaits ? SHORT_POLL : DEFAULT_POLL), ...config.poll };
  const resolved: ResolvedConfig = {
    lambdaArns: config.lambdaArns,
    topicArn: config.topicArn,
    mapConcurrency: config.mapConcurrency ?? 4,
    poll,
    lambdaTaskTimeoutSeconds: config.lambdaTaskTimeoutSeconds ?? 960,
    executionTimeoutSeconds: config.executionTimeoutSeconds ?? 48 * 3600,
  };
  // A deploy-time value is checked where it is given (infra's variable validation).
  if (typeof resolved.mapConcurrency === "number")
    assertPositiveInteger("mapConcurrency", resolved.mapConcurrency);
  assertPositiveInteger("poll.initialSeconds", poll.initialSeconds);
  assertPositiveInteger("poll.maxSeconds", poll.maxSeconds);
  assertPositiveInteger("poll.maxAttempts", poll.maxAttempts);
  assertPositiveInteger("lambdaTaskTimeoutSeconds", resolved.lambdaTaskTimeoutSeconds);
  assertPositiveInteger("executionTimeoutSeconds", resolved.executionTimeoutSeconds);
  if (poll.maxSeconds < poll.initialSeconds) {
    throw new RangeError(
      `poll.maxSeconds (${poll.maxSeconds}) is below poll.initialSeconds (${poll.initialSeconds})`,
    );
  }
  return resolved;
}

// A programming error in the caller's configuration, not bad execution input: a RangeError is the honest type.
function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
}
