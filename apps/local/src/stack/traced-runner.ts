/**
 * A thin adapter over apps/lambdas' createLocalRunner (which does all the routing): it wraps the Lambda handlers,
 * the MediaPackage VOD API and SNS given to the runner so that every Task call is recorded, as it happens, in an
 * ExecutionHistory with Step Functions' event types (TaskStateEntered, LambdaFunction…, Task…). The runner itself
 * only hands its event log over at the end of an execution, too late for a follower.
 */
import {
  createLocalRunner,
  type LocalExecutionResult,
  type LocalLambdasOf,
  type LocalRunnerOptions,
  type MediaPackageVodApi,
  type SnsApi,
  type TaskCall,
} from "@vod-harvest/handlers/local";
import { type MediaPackageAction, mediaPackageResource, SNS_PUBLISH } from "@vod-harvest/workflow";
import { EXCEED_TOLERATED_FAILURE_THRESHOLD, type MapRunSnapshot } from "@vod-harvest/workflow/local";
import type { ExecutionHistory } from "./history.js";

export type RunnerSetup = Omit<LocalRunnerOptions<string>, "onTask">;

type JsonObject = { [key: string]: unknown };

/** `arn:aws:states:::aws-sdk:mediapackagevod:describeAsset` → resourceType / resource as history events name them. */
function integrationOf(resource: string): { resourceType: string; resource: string } {
  const match = /^arn:[^:]+:states:::(.+):([^:]+)$/.exec(resource);
  return match
    ? { resourceType: match[1] ?? resource, resource: match[2] ?? resource }
    : { resourceType: "", resource };
}

function errorOf(error: unknown): { error: string; cause: string } {
  return error instanceof Error
    ? { error: error.name, cause: error.message }
    : { error: "Error", cause: String(error) };
}

const json = (value: unknown) => JSON.stringify(value ?? null);

/**
 * TaskStateEntered is recorded from the runner's onTask; the wrapped call that follows finds it by resource and
 * input (both reach the wrapper unchanged, as JSON), so concurrent Map iterations pair up correctly.
 */
class TaskPairing {
  readonly #entered = new Map<string, number[]>();
  enter(resource: string, input: unknown, eventId: number): void {
    const key = `${resource} ${json(input)}`;
    this.#entered.set(key, [...(this.#entered.get(key) ?? []), eventId]);
  }
  take(resource: string, input: unknown): number | undefined {
    const queue = this.#entered.get(`${resource} ${json(input)}`);
    return queue?.shift();
  }
}

async function recordLambda<T>(
  history: ExecutionHistory,
  pairing: TaskPairing,
  arn: string,
  input: unknown,
  call: () => Promise<T>,
): Promise<T> {
  const entered = pairing.take(arn, input);
  const scheduled = history.add(
    "LambdaFunctionScheduled",
    { lambdaFunctionScheduledEventDetails: { resource: arn, input: json(input) } },
    entered,
  );
  const started = history.add("LambdaFunctionStarted", {}, scheduled);
  try {
    const output = await call();
    history.add(
      "LambdaFunctionSucceeded",
      { lambdaFunctionSucceededEventDetails: { output: json(output) } },
      started,
    );
    return output;
  } catch (error) {
    history.add("LambdaFunctionFailed", { lambdaFunctionFailedEventDetails: errorOf(error) }, started);
    throw error;
  }
}

async function recordIntegration<T>(
  history: ExecutionHistory,
  pairing: TaskPairing,
  arn: string,
  region: string,
  input: unknown,
  call: () => Promise<T>,
): Promise<T> {
  const entered = pairing.take(arn, input);
  const names = integrationOf(arn);
  const scheduled = history.add(
    "TaskScheduled",
    { taskScheduledEventDetails: { ...names, region, parameters: json(input) } },
    entered,
  );
  const started = history.add("TaskStarted", { taskStartedEventDetails: names }, scheduled);
  try {
    const output = await call();
    history.add("TaskSucceeded", { taskSucceededEventDetails: { ...names, output: json(output) } }, started);
    return output;
  } catch (error) {
    history.add("TaskFailed", { taskFailedEventDetails: { ...names, ...errorOf(error) } }, started);
    throw error;
  }
}

function tracedLambdas(
  setup: RunnerSetup,
  history: ExecutionHistory,
  pairing: TaskPairing,
): LocalLambdasOf<string> {
  const wrap = (name: string) => {
    const handler = setup.lambdas[name] as unknown as (event: unknown, context: unknown) => Promise<unknown>;
    const arn = setup.lambdaArns[name] as string;
    return (event: unknown, context: unknown) =>
      recordLambda(history, pairing, arn, event, () => handler(event, context));
  };
  return Object.fromEntries(Object.keys(setup.lambdas).map((name) => [name, wrap(name)]));
}

/** A Map Run's start and end in the parent's history, as Step Functions records them. */
function tracedMapRuns(setup: RunnerSetup, history: ExecutionHistory): RunnerSetup["distributedMap"] {
  const io = setup.distributedMap;
  if (io === undefined) return undefined;
  const seen = new Map<string, MapRunSnapshot["status"]>();
  return {
    ...io,
    onMapRun(snapshot) {
      const before = seen.get(snapshot.mapRunArn);
      seen.set(snapshot.mapRunArn, snapshot.status);
      if (before === undefined) {
        history.add("MapRunStarted", { mapRunStartedEventDetails: { mapRunArn: snapshot.mapRunArn } });
      } else if (before === "RUNNING" && snapshot.status === "SUCCEEDED") {
        history.add("MapRunSucceeded", {});
      } else if (before === "RUNNING" && snapshot.status !== "RUNNING") {
        history.add(snapshot.status === "ABORTED" ? "MapRunAborted" : "MapRunFailed", {
          ...(snapshot.status === "FAILED"
            ? { mapRunFailedEventDetails: { error: EXCEED_TOLERATED_FAILURE_THRESHOLD } }
            : {}),
        });
      }
      io.onMapRun?.(snapshot);
    },
  };
}

function tracedMediaPackage(
  api: MediaPackageVodApi,
  history: ExecutionHistory,
  pairing: TaskPairing,
  region: string,
): MediaPackageVodApi {
  const entries = Object.entries(api).map(([action, call]) => {
    const arn = mediaPackageResource(action as MediaPackageAction);
    const traced = (input: JsonObject) =>
      recordIntegration(history, pairing, arn, region, input, () => call(input));
    return [action, traced];
  });
  return Object.fromEntries(entries) as MediaPackageVodApi;
}

function tracedSns(sns: SnsApi, history: ExecutionHistory, pairing: TaskPairing, region: string): SnsApi {
  return {
    publish: (input) =>
      recordIntegration(history, pairing, SNS_PUBLISH, region, input, () => sns.publish(input)),
  };
}

/** Runs one execution with createLocalRunner, recording its history live (ExecutionStarted … Succeeded/Failed). */
export async function runRecorded(
  setup: RunnerSetup,
  history: ExecutionHistory,
  input: unknown,
  executionName: string,
  region: string,
  signal?: AbortSignal,
): Promise<LocalExecutionResult> {
  const pairing = new TaskPairing();
  const onTask = (call: TaskCall) => {
    const entered = history.add("TaskStateEntered", {
      stateEnteredEventDetails: { name: call.state, input: json(call.input) },
    });
    pairing.enter(call.resource, call.input, entered);
  };
  const distributedMap = tracedMapRuns(setup, history);
  const runner = createLocalRunner<string>({
    ...setup,
    ...(distributedMap ? { distributedMap } : {}),
    lambdas: tracedLambdas(setup, history, pairing),
    mediaPackage: tracedMediaPackage(setup.mediaPackage, history, pairing, region),
    sns: tracedSns(setup.sns, history, pairing, region),
    onTask,
  });
  try {
    const result = await runner.run(input, executionName, signal);
    if (result.aborted) {
      // StopExecution's error and cause are the execution's; the history records the abort itself.
      history.add("ExecutionAborted", {});
    } else if (result.error === undefined) {
      history.add("ExecutionSucceeded", { executionSucceededEventDetails: { output: json(result.output) } });
    } else {
      history.add("ExecutionFailed", {
        executionFailedEventDetails: { error: result.error.name, cause: result.error.cause },
      });
    }
    return result;
  } catch (error) {
    // Not a failure of the definition but of the runner itself: still an ending the history must show.
    history.add("ExecutionFailed", {
      executionFailedEventDetails: { error: "States.Runtime", ...causeOnly(error) },
    });
    throw error;
  }
}

function causeOnly(error: unknown): { cause: string } {
  return { cause: error instanceof Error ? error.message : String(error) };
}
