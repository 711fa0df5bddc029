/**
 * Runs the state machine of packages/workflow on this machine with aws-local-stepfunctions: every Lambda Task
 * (routed by its function ARN) calls the real handler with a Lambda-like context and JSON in and out; every
 * aws-sdk Task calls a MediaPackage VOD implementation (a fake, or the SDK against an emulator); sns:publish
 * calls an SNS implementation. Used by this package's tests and by the local stack (apps/local). A Lambda Task
 * running past its function's timeout fails with `Sandbox.Timedout`, as in AWS. Driving the runner itself is
 * packages/workflow's `runLocally`.
 */
import { randomUUID } from "node:crypto";
import {
  type LambdaHandlers,
  type LambdaName,
  listTaskStates,
  type MediaPackageAction,
  mediaPackageResource,
  SNS_PUBLISH,
  type StateMachineDefinition,
} from "@vod-harvest/workflow";
import {
  createDistributedMapHandler,
  type DistributedMapIo,
  type LocalExecutionFailure,
  type LocalTaskHandler,
  lowerDistributedMaps,
  runLocally,
} from "@vod-harvest/workflow/local";
import type { LambdaContext, LambdaHandler } from "./observability.js";

/** The per-asset workflow's handlers, each as deployed: (event, context) → result. */
export type LocalLambdas = {
  readonly [Name in LambdaName]: LambdaHandler<
    Parameters<LambdaHandlers[Name]>[0],
    Awaited<ReturnType<LambdaHandlers[Name]>>
  >;
};

type JsonObject = { [key: string]: unknown };

/**
 * The MediaPackage VOD actions the definition calls, with the aws-sdk integration's shapes (PascalCase, JSON).
 * A failure is thrown as an Error named like Step Functions names it: `MediaPackageVod.<Exception>`.
 */
export type MediaPackageVodApi = Readonly<
  Record<MediaPackageAction, (input: JsonObject) => Promise<JsonObject>>
>;

export interface SnsPublishInput {
  readonly TopicArn: string;
  readonly Message: string;
  readonly MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
}
export interface SnsApi {
  publish(input: SnsPublishInput): Promise<JsonObject>;
}

/** Any definition's handlers by Lambda name (the per-asset workflow's are LocalLambdas). */
export type LocalLambdasOf<Name extends string> = {
  readonly [N in Name]: LambdaHandler<never, unknown>;
};

export interface LocalRunnerOptions<Name extends string = LambdaName> {
  readonly definition: StateMachineDefinition;
  /** The ARNs the definition was built with (its config's lambdaArns): how Tasks find their handler. */
  readonly lambdaArns: Readonly<Record<Name, string>>;
  readonly lambdas: LocalLambdasOf<Name>;
  readonly mediaPackage: MediaPackageVodApi;
  readonly sns: SnsApi;
  /**
   * S3 and the item processor's Tasks for the definition's Distributed Maps (run by packages/workflow's local
   * Map Run). Required when the definition has one.
   */
  readonly distributedMap?: DistributedMapIo;
  /**
   * Each function's timeout: what `context.getRemainingTimeInMillis()` starts from, per invocation, and how long
   * the handler may run before its Task fails with `Sandbox.Timedout`. Default 900 s (Lambda's maximum).
   */
  readonly lambdaTimeoutMs?: number | Partial<Record<Name, number>>;
  /** Epoch ms for each invocation's `getRemainingTimeInMillis` (default Date.now; a test freezes it). */
  readonly now?: () => number;
  /** Every Wait state lasts this long instead (ms). Default: as the definition says. */
  readonly waitMs?: number;
  /** Every Retry waits this long instead (ms). Default: as the definition says. */
  readonly retryIntervalMs?: number;
  /** The state machine's name in execution ARNs. Default `vod-harvest-local`. */
  readonly stateMachineName?: string;
  /** Called before each Task runs, with a copy of its input (tests count invocations with it). */
  readonly onTask?: (call: TaskCall) => void;
}

export interface TaskCall {
  readonly state: string;
  readonly resource: string;
  readonly input: unknown;
}

export interface LocalExecutionResult {
  readonly executionArn: string;
  /** The execution output when it succeeded. */
  readonly output?: unknown;
  /** The Fail state's (or the uncaught) error when it failed. */
  readonly error?: LocalExecutionFailure;
  /** True when it was stopped through the run's signal (StopExecution). */
  readonly aborted?: true;
  readonly events: readonly unknown[];
}

const DEFAULT_LAMBDA_TIMEOUT_MS = 900_000;
const ACCOUNT = "000000000000";

/** Step Functions matches Retry/Catch on the error name; anything thrown becomes an Error with its name kept. */
function asNamedError(error: unknown): Error {
  if (error instanceof Error) return error;
  const wrapped = new Error(String(error));
  wrapped.name = "Error";
  return wrapped;
}

/** Values cross the Lambda boundary as JSON, as they do in AWS (no Dates, no undefined, no prototypes). */
function viaJson<T>(value: T): T {
  return value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T);
}

export function lambdaContext(
  name: string,
  arn: string,
  timeoutMs: number,
  now: () => number = Date.now,
): LambdaContext {
  const endsAt = now() + timeoutMs;
  return {
    awsRequestId: randomUUID(),
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: arn,
    memoryLimitInMB: "1769",
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: "local",
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, endsAt - now()),
  };
}

function lambdaTimeoutOf<Name extends string>(options: LocalRunnerOptions<Name>, name: Name): number {
  return typeof options.lambdaTimeoutMs === "number"
    ? options.lambdaTimeoutMs
    : (options.lambdaTimeoutMs?.[name] ?? DEFAULT_LAMBDA_TIMEOUT_MS);
}

function lambdaTaskHandler<Name extends string>(
  options: LocalRunnerOptions<Name>,
  name: Name,
): LocalTaskHandler {
  const handler = options.lambdas[name] as LambdaHandler<unknown, unknown>;
  const arn = options.lambdaArns[name];
  const timeout = lambdaTimeoutOf(options, name);
  return async (input) => {
    try {
      return viaJson(await handler(viaJson(input), lambdaContext(name, arn, timeout, options.now)));
    } catch (error) {
      throw asNamedError(error);
    }
  };
}

function lambdaNameOf<Name extends string>(
  options: LocalRunnerOptions<Name>,
  resource: string,
): Name | undefined {
  return (Object.keys(options.lambdaArns) as Name[]).find((name) => options.lambdaArns[name] === resource);
}

/** The handler of an aws-sdk or SNS Task (Lambda Tasks are routed by their function ARN). */
function serviceTaskHandler<Name extends string>(
  options: LocalRunnerOptions<Name>,
  resource: string,
): LocalTaskHandler | undefined {
  for (const action of Object.keys(options.mediaPackage) as MediaPackageAction[]) {
    if (mediaPackageResource(action) === resource) {
      return async (input) => viaJson(await options.mediaPackage[action](viaJson(input) as JsonObject));
    }
  }
  if (resource === SNS_PUBLISH) {
    return async (input) => viaJson(await options.sns.publish(viaJson(input) as unknown as SnsPublishInput));
  }
  return undefined;
}

export interface LocalRunner {
  run(input: unknown, executionName?: string, signal?: AbortSignal): Promise<LocalExecutionResult>;
}

/** Resolves every Task of the definition to a local implementation up front: an unknown Resource fails here. */
export function createLocalRunner<Name extends string = LambdaName>(
  options: LocalRunnerOptions<Name>,
): LocalRunner {
  const { waitMs, retryIntervalMs } = options;
  const { definition, maps } = lowerDistributedMaps(options.definition);
  const io = options.distributedMap;
  if (Object.keys(maps).length > 0 && io === undefined) {
    throw new TypeError(
      `the definition has a Distributed Map (${Object.keys(maps).join(", ")}): give distributedMap`,
    );
  }
  const taskHandlers: Record<string, LocalTaskHandler> = {};
  // Only Lambda Tasks have a function timeout; aws-sdk and SNS Tasks are bounded by the state's TimeoutSeconds.
  const taskTimeoutMs: Record<string, number> = {};
  for (const { name, resource } of listTaskStates(definition)) {
    if (name in maps) continue;
    const lambda = lambdaNameOf(options, resource);
    const route =
      lambda === undefined ? serviceTaskHandler(options, resource) : lambdaTaskHandler(options, lambda);
    if (route === undefined) throw new TypeError(`no local implementation for Task ${name} (${resource})`);
    taskHandlers[name] = (input) => {
      options.onTask?.({ state: name, resource, input: structuredClone(input) });
      return route(input);
    };
    if (lambda !== undefined) taskTimeoutMs[name] = lambdaTimeoutOf(options, lambda);
  }

  return {
    async run(input, executionName = randomUUID(), signal) {
      const machine = options.stateMachineName ?? "vod-harvest-local";
      const executionArn = `arn:aws:states:us-east-1:${ACCOUNT}:execution:${machine}:${executionName}`;
      // Each run's Map Runs stop with it (StopExecution stops the children they started).
      const mapHandlers = Object.fromEntries(
        Object.entries(maps).map(([stateName, map]) => {
          const handler = createDistributedMapHandler({
            stateName,
            map,
            io: io as DistributedMapIo,
            ...(signal ? { signal } : {}),
          });
          return [stateName, handler];
        }),
      );
      const outcome = await runLocally(definition, input, {
        taskHandlers: { ...taskHandlers, ...mapHandlers },
        taskTimeoutMs,
        waitMs,
        retryIntervalMs,
        execution: { id: executionArn, name: executionName },
        ...(signal ? { signal } : {}),
      });
      return { executionArn, ...outcome };
    },
  };
}
