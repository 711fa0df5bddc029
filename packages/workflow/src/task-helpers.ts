/** Resources, retry policies and the notification state pair shared by definition.ts and endpoint-states.ts. */
import {
  type Catcher,
  type FailState,
  fail,
  type PassState,
  type PayloadTemplate,
  pass,
  type Retrier,
  type TaskState,
  task,
} from "./asl.js";
import type { ResolvedConfig } from "./config.js";
import { LAMBDA_SERVICE_ERRORS, MEDIAPACKAGE_RETRYABLE_ERRORS } from "./errors.js";
import type { LambdaName } from "./lambda-contracts.js";
import type { NotificationEvent, NotificationType } from "./notifications.js";

export const SNS_PUBLISH = "arn:aws:states:::sns:publish";

export type MediaPackageAction = "describeAsset" | "createAsset" | "deleteAsset" | "describePackagingGroup";

/** The AWS SDK service integration for a MediaPackage VOD API action. */
export function mediaPackageResource(action: MediaPackageAction): string {
  return `arn:aws:states:::aws-sdk:mediapackagevod:${action}`;
}

/** A service's transient refusals, retried with exponential backoff and full jitter (2 s doubling to 60 s, 6 times). */
export function serviceRetry(errors: readonly string[]): Retrier {
  return {
    ErrorEquals: errors,
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
    MaxDelaySeconds: 60,
    JitterStrategy: "FULL",
  };
}

const MEDIAPACKAGE_RETRY = serviceRetry(MEDIAPACKAGE_RETRYABLE_ERRORS);

export interface LambdaTaskFields {
  readonly Parameters: PayloadTemplate;
  readonly ResultPath?: string | null;
  readonly Catch: readonly Catcher[];
  /** Retried after (and besides) the Lambda service's own transient errors. */
  readonly extraRetry?: readonly Retrier[];
  readonly Comment?: string;
}

/**
 * A Lambda Task by function ARN (the handler's return value is the result, unwrapped), the Lambda service's
 * transient errors retried; for both workflows' Lambdas.
 */
export function lambdaArnTask(
  functionArn: string,
  timeoutSeconds: number,
  next: string | undefined,
  fields: LambdaTaskFields,
): TaskState {
  const { extraRetry = [], ...rest } = fields;
  return task(functionArn, next, {
    ...rest,
    TimeoutSeconds: timeoutSeconds,
    Retry: [serviceRetry(LAMBDA_SERVICE_ERRORS), ...extraRetry],
  });
}

/** One of the per-asset workflow's Lambdas. */
export function lambdaTask(
  config: ResolvedConfig,
  name: LambdaName,
  next: string | undefined,
  fields: LambdaTaskFields,
): TaskState {
  return lambdaArnTask(config.lambdaArns[name], config.lambdaTaskTimeoutSeconds, next, fields);
}

export function mediaPackageTask(
  action: MediaPackageAction,
  next: string | undefined,
  fields: {
    readonly Parameters: PayloadTemplate;
    readonly ResultSelector?: PayloadTemplate;
    readonly ResultPath?: string | null;
    readonly Catch: readonly Catcher[];
    readonly Comment?: string;
  },
): TaskState {
  return task(mediaPackageResource(action), next, { ...fields, Retry: [MEDIAPACKAGE_RETRY] });
}

/** `$$.Execution.Id`: in AWS always set; local runs pass it in the run context (see README of this package). */
const EXECUTION_ID = "$$.Execution.Id";

/**
 * Two states: `<name>Message` builds the message at `$.notification`, `<name>` publishes it. A publish that still
 * fails after retries goes on to `onPublishFailure` (default: `next`) with the error at `$.notificationError`:
 * a lost notification must not undo a copy.
 */
export function notification(
  config: Pick<ResolvedConfig, "topicArn">,
  name: string,
  type: NotificationType,
  event: NotificationEvent,
  fields: PayloadTemplate,
  next: string,
  onPublishFailure: string = next,
): Record<string, PassState | TaskState> {
  return {
    [`${name}Message`]: pass(name, {
      Parameters: { Type: type, Event: event, "Execution.$": EXECUTION_ID, ...fields },
      ResultPath: "$.notification",
    }),
    [name]: task(SNS_PUBLISH, next, {
      Parameters: {
        TopicArn: config.topicArn,
        "Message.$": "States.JsonToString($.notification)",
        MessageAttributes: {
          Type: { DataType: "String", "StringValue.$": "$.notification.Type" },
          Event: { DataType: "String", "StringValue.$": "$.notification.Event" },
        },
      },
      ResultPath: null,
      Retry: [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
      Catch: [{ ErrorEquals: ["States.ALL"], Next: onPublishFailure, ResultPath: "$.notificationError" }],
    }),
  };
}

/**
 * A failure's ending: one ERROR notification (`fields` plus the error's name and cause, read at `errorPath`), then a
 * Fail state carrying that same name and cause, so the execution fails with the original error.
 */
export function notifyThenFail(
  config: Pick<ResolvedConfig, "topicArn">,
  names: { readonly notify: string; readonly fail: string },
  event: NotificationEvent,
  fields: PayloadTemplate,
  errorPath: "$" | "$.error",
): Record<string, PassState | TaskState | FailState> {
  const error = { "Error.$": `${errorPath}.Error`, "Cause.$": `${errorPath}.Cause` };
  return {
    ...notification(config, names.notify, "ERROR", event, { ...fields, ...error }, names.fail),
    [names.fail]: fail({ ErrorPath: `${errorPath}.Error`, CausePath: `${errorPath}.Cause` }),
  };
}
