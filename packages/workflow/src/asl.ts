/**
 * Typed shapes and small builders for the Amazon States Language states this package emits. JSONPath query
 * language only: aws-local-stepfunctions (the local runner) silently ignores JSONata, so a definition using it
 * would behave differently on a laptop and in AWS.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSONPath payload template: keys ending in `.$` hold a path or an intrinsic function call. */
export type PayloadTemplate = { [key: string]: JsonValue };

/**
 * A value the deployment fills in (apps/infra renders it as a raw Terraform expression, e.g. a variable's number):
 * it stands where the definition needs a number that is not known when it is built.
 */
export type DeployTimeValue = `@@tf:${string}@@`;

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: "FULL" | "NONE";
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}

/** Either `Next` or `End: true`; never both (the validator checks it, the builders make it impossible). */
export type Transition =
  | { readonly Next: string; readonly End?: never }
  | { readonly End: true; readonly Next?: never };

interface Common {
  readonly Comment?: string;
}

interface InputOutput {
  readonly InputPath?: string | null;
  readonly OutputPath?: string | null;
}

export type TaskState = Common &
  InputOutput &
  Transition & {
    readonly Type: "Task";
    readonly Resource: string;
    readonly Parameters?: PayloadTemplate;
    readonly ResultSelector?: PayloadTemplate;
    readonly ResultPath?: string | null;
    readonly TimeoutSeconds?: number;
    readonly Retry?: readonly Retrier[];
    readonly Catch?: readonly Catcher[];
  };

export type PassState = Common &
  InputOutput &
  Transition & {
    readonly Type: "Pass";
    readonly Parameters?: PayloadTemplate;
    readonly Result?: JsonValue;
    readonly ResultPath?: string | null;
  };

export type WaitState = Common &
  InputOutput &
  Transition & {
    readonly Type: "Wait";
    readonly Seconds?: number;
    readonly SecondsPath?: string;
  };

/** A Choice rule: a data test or a boolean combination of rules. Top-level rules carry `Next`. */
export type ChoiceCondition =
  | ({ readonly Variable: string } & ComparisonOperator)
  | { readonly And: readonly ChoiceCondition[] }
  | { readonly Or: readonly ChoiceCondition[] }
  | { readonly Not: ChoiceCondition };

export type ComparisonOperator =
  | { readonly StringEquals: string }
  | { readonly StringEqualsPath: string }
  | { readonly BooleanEquals: boolean }
  | { readonly NumericEquals: number }
  | { readonly NumericGreaterThan: number }
  | { readonly NumericGreaterThanEquals: number }
  | { readonly NumericGreaterThanPath: string }
  | { readonly NumericGreaterThanEqualsPath: string }
  | { readonly IsPresent: boolean }
  | { readonly IsNull: boolean };

export type ChoiceRule = ChoiceCondition & { readonly Next: string };

export interface ChoiceState extends Common, InputOutput {
  readonly Type: "Choice";
  readonly Choices: readonly ChoiceRule[];
  readonly Default: string;
}

export interface StateMachineFragment {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
}

export type MapState = Common &
  InputOutput &
  Transition & {
    readonly Type: "Map";
    readonly ItemsPath: string;
    readonly ItemSelector?: PayloadTemplate;
    readonly ItemProcessor: StateMachineFragment & { readonly ProcessorConfig: { readonly Mode: "INLINE" } };
    readonly MaxConcurrency?: number | DeployTimeValue;
    readonly ResultSelector?: PayloadTemplate;
    readonly ResultPath?: string | null;
    readonly Retry?: readonly Retrier[];
    readonly Catch?: readonly Catcher[];
  };

/**
 * A Distributed Map: items read from S3 (ItemReader), each iteration its own child workflow execution, results
 * written back to S3 (ResultWriter). Used by the catalogue workflow only.
 */
export type DistributedMapState = Common &
  InputOutput &
  Transition & {
    readonly Type: "Map";
    readonly ItemReader: {
      readonly Resource: "arn:aws:states:::s3:getObject";
      readonly ReaderConfig: { readonly InputType: "JSONL" | "CSV" | "JSON" };
      readonly Parameters: PayloadTemplate;
    };
    readonly ItemSelector?: PayloadTemplate;
    readonly ItemProcessor: StateMachineFragment & {
      readonly ProcessorConfig: { readonly Mode: "DISTRIBUTED"; readonly ExecutionType: "STANDARD" };
    };
    readonly MaxConcurrencyPath?: string;
    readonly ToleratedFailurePercentagePath?: string;
    readonly ResultWriter: {
      readonly Resource: "arn:aws:states:::s3:putObject";
      readonly Parameters: PayloadTemplate;
    };
    readonly ResultSelector?: PayloadTemplate;
    readonly ResultPath?: string | null;
    readonly Retry?: readonly Retrier[];
    readonly Catch?: readonly Catcher[];
  };

export interface SucceedState extends Common, InputOutput {
  readonly Type: "Succeed";
}

/** Error/Cause literal, or taken from the state input with ErrorPath/CausePath. */
export interface FailState extends Common {
  readonly Type: "Fail";
  readonly Error?: string;
  readonly Cause?: string;
  readonly ErrorPath?: string;
  readonly CausePath?: string;
}

export type State =
  | TaskState
  | PassState
  | WaitState
  | ChoiceState
  | MapState
  | DistributedMapState
  | SucceedState
  | FailState;

export interface StateMachineDefinition extends StateMachineFragment {
  readonly Comment?: string;
  readonly QueryLanguage: "JSONPath";
  readonly TimeoutSeconds?: number;
}

/** `next` undefined means the state ends its (sub-)machine. */
function transition(next: string | undefined): Transition {
  return next === undefined ? { End: true } : { Next: next };
}

type WithoutTransition<T> = T extends unknown ? Omit<T, "Type" | "Next" | "End"> : never;

export function task(
  resource: string,
  next: string | undefined,
  fields: Omit<WithoutTransition<TaskState>, "Resource">,
): TaskState {
  return { Type: "Task", Resource: resource, ...fields, ...transition(next) };
}

export function pass(next: string | undefined, fields: WithoutTransition<PassState> = {}): PassState {
  return { Type: "Pass", ...fields, ...transition(next) };
}

export function waitState(next: string, fields: WithoutTransition<WaitState>): WaitState {
  return { Type: "Wait", ...fields, ...transition(next) };
}

export function choice(choices: readonly ChoiceRule[], defaultNext: string, comment?: string): ChoiceState {
  return { Type: "Choice", Choices: choices, Default: defaultNext, ...(comment ? { Comment: comment } : {}) };
}

export function inlineMap(
  next: string | undefined,
  fields: Omit<WithoutTransition<MapState>, "ItemProcessor"> & { readonly processor: StateMachineFragment },
): MapState {
  const { processor, ...rest } = fields;
  return {
    Type: "Map",
    ...rest,
    ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, ...processor },
    ...transition(next),
  };
}

export function succeed(fields: Omit<SucceedState, "Type"> = {}): SucceedState {
  return { Type: "Succeed", ...fields };
}

export function fail(fields: Omit<FailState, "Type">): FailState {
  return { Type: "Fail", ...fields };
}
