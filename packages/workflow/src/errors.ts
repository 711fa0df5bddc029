/**
 * Typed errors of packages/workflow and the error names the state machine matches on. An error's `name` is what
 * Step Functions sees as the Lambda's `errorType`, so it is part of the workflow contract.
 */

export type WorkflowErrorCode = "INVALID_REQUEST";

/** Name of the error a Lambda throws for input the workflow cannot run with; the execution fails with it. */
export const INVALID_REQUEST = "InvalidRequest";

export class WorkflowError extends Error {
  readonly code: WorkflowErrorCode;
  constructor(code: WorkflowErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WorkflowError";
    this.code = code;
  }
}

/** The execution input (or what MediaPackage says about it) is unusable. The message starts with the field. */
export class InvalidRequestError extends WorkflowError {
  /** Dotted path of the offending field in the execution input, e.g. `createAssetRequest.SourceArn`. */
  readonly field: string;
  constructor(field: string, problem: string, options?: { cause?: unknown }) {
    super("INVALID_REQUEST", `${field}: ${problem}`, options);
    this.name = INVALID_REQUEST;
    this.field = field;
  }
}

/** Errors of the Lambda service itself, retried on every Lambda Task. */
export const LAMBDA_SERVICE_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
] as const;

/** MediaPackage VOD errors worth retrying (throttling and transient service errors). */
export const MEDIAPACKAGE_RETRYABLE_ERRORS = [
  "MediaPackageVod.TooManyRequestsException",
  "MediaPackageVod.ServiceUnavailableException",
  "MediaPackageVod.InternalServerErrorException",
] as const;

/** What Step Functions names a MediaPackage VOD 404 from an aws-sdk integration; a local stand-in must match it. */
export const MEDIAPACKAGE_NOT_FOUND = "MediaPackageVod.NotFoundException";

/** Set by the definition itself on the endpoint's error when MediaPackage reports the endpoint FAILED. */
export const ENDPOINT_FAILED = "EndpointFailed";
/** Set by the definition when an endpoint is still not PLAYABLE after the configured number of polls. */
export const ENDPOINT_NOT_PLAYABLE = "EndpointNotPlayable";
/**
 * An endpoint's copy used the harvest invocations one execution can hold (history.ts) without finishing; a new
 * execution starts it again.
 */
export const HARVEST_INVOCATION_LIMIT = "HarvestInvocationLimit";
