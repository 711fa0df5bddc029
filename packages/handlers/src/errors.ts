/**
 * Typed errors of the Lambda handlers. An error's `name` is the Step Functions error name (the state machine
 * Retries/Catches on it), its message the cause: messages name keys, URLs and ARNs, never a secret value.
 */
export type LambdaErrorCode =
  | "HARVEST_FAILED"
  | "HARVEST_INCOMPLETE"
  | "CDN_SECRET_UNREADABLE"
  | "HARVEST_STATE_INVALID"
  | "HARVEST_PLAN_TIMEOUT"
  | "STATE_CLEANUP_FAILED";

export class LambdaError extends Error {
  readonly code: LambdaErrorCode;
  constructor(code: LambdaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LambdaError";
    this.code = code;
  }
}

/** Every object of the plan was attempted and some failed for good (lambda-contracts: harvest). */
export class HarvestFailedError extends LambdaError {
  constructor(message: string) {
    super("HARVEST_FAILED", message);
    this.name = "HarvestFailed";
  }
}

/** Verification before reporting COMPLETE found missing or wrong-sized objects (lambda-contracts: finalize). */
export class HarvestIncompleteError extends LambdaError {
  constructor(message: string) {
    super("HARVEST_INCOMPLETE", message);
    this.name = "HarvestIncomplete";
  }
}

/** The CDN authorization secret cannot be read or has no identifier. The message names the ARN only. */
export class CdnSecretUnreadableError extends LambdaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CDN_SECRET_UNREADABLE", message, options);
    this.name = "CdnSecretUnreadable";
  }
}

/**
 * A cursor that does not belong to this endpoint, a stored plan that is missing or not a plan, or a checksum
 * journal next to it that cannot be read, parsed or written.
 */
export class HarvestStateInvalidError extends LambdaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("HARVEST_STATE_INVALID", message, options);
    this.name = "HarvestStateInvalid";
  }
}

/**
 * The first invocation could not crawl the asset's manifests within its time budget: every later invocation would
 * start the crawl over, so the endpoint fails at once with the cause instead of being killed by the Lambda timeout.
 */
export class HarvestPlanTimeoutError extends LambdaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("HARVEST_PLAN_TIMEOUT", message, options);
    this.name = "HarvestPlanTimeout";
  }
}

/** Finished runs' state could not all be deleted. finalize logs it and still reports the verified copy COMPLETE. */
export class StateCleanupFailedError extends LambdaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("STATE_CLEANUP_FAILED", message, options);
    this.name = "StateCleanupFailed";
  }
}
