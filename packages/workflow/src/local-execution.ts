/**
 * Runs a definition on this machine with aws-local-stepfunctions, every Task state overridden by a local handler.
 * The one place that drives the runner: packages/handlers' local runner (real handlers, used by apps/local) and this
 * package's tests (fakes) both build on it. Exported as `@vod-harvest/workflow/local` so that importing the
 * main entry never loads aws-local-stepfunctions.
 */
import { ExecutionError, StateMachine } from "aws-local-stepfunctions";
import type { StateMachineFragment } from "./asl.js";
import { listStates, listTaskStates } from "./inspect.js";

/** Replaces a Task: its effective input in, its result out. A thrown error's `name` is what Retry/Catch match. */
export type LocalTaskHandler = (input: unknown) => Promise<unknown>;

/** The error AWS Lambda reports when a function runs past its configured timeout. */
export const LAMBDA_TIMED_OUT = "Sandbox.Timedout";

export interface LocalExecutionOptions {
  /** One handler per Task state name (Map iterations included): every Task of the definition must have one. */
  readonly taskHandlers: Readonly<Record<string, LocalTaskHandler>>;
  /** Every Wait state lasts this long instead (ms). Default: as the definition says. */
  readonly waitMs?: number;
  /** Every Retry waits this long instead (ms). Default: as the definition says. */
  readonly retryIntervalMs?: number;
  /**
   * How long a Task's handler may run (ms), per Task state name; none: unlimited. A handler still running then
   * fails its Task with `Sandbox.Timedout`, as a Lambda past its timeout does in AWS.
   */
  readonly taskTimeoutMs?: Readonly<Record<string, number>> | ((state: string) => number | undefined);
  /** `$$.Execution.Id` and `.Name`. (No StartTime: the runner always sets it to the moment the run starts.) */
  readonly execution: { readonly id: string; readonly name: string };
  /** StopExecution: the run ends at once as aborted (a Task handler already running is not cancelled, as in AWS). */
  readonly signal?: AbortSignal;
  /** `$$.Map.Item`: the item a Distributed Map's child execution (or its ItemSelector) runs for. */
  readonly mapItem?: { readonly index: number; readonly value: unknown };
}

export interface LocalExecutionFailure {
  /** The Fail state's Error (or the uncaught error's name). */
  readonly name: string;
  /** The Fail state's Cause (or the uncaught error's message). */
  readonly cause: string;
}

export type LocalExecutionOutcome =
  | {
      readonly output: unknown;
      readonly error?: undefined;
      readonly aborted?: undefined;
      readonly events: unknown[];
    }
  | {
      readonly output?: undefined;
      readonly error: LocalExecutionFailure;
      readonly aborted?: undefined;
      readonly events: unknown[];
    }
  /** Stopped through `signal` (StopExecution). */
  | {
      readonly output?: undefined;
      readonly error?: undefined;
      readonly aborted: true;
      readonly events: unknown[];
    };

function timedOut(limitMs: number): Error {
  // Lambda's own wording, so a local failure reads like the AWS one.
  const error = new Error(`Task timed out after ${(limitMs / 1000).toFixed(2)} seconds`);
  error.name = LAMBDA_TIMED_OUT;
  return error;
}

/** Races the handler against the limit; the loser is left to settle on its own (a local handler cannot be killed). */
function withTimeLimit(handler: LocalTaskHandler, limitMs: number): LocalTaskHandler {
  return (input) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(timedOut(limitMs)), limitMs);
      new Promise((settle) => settle(handler(input))).then(
        (output) => {
          clearTimeout(timer);
          resolve(output);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
}

function timeLimitOf(options: LocalExecutionOptions, state: string): number | undefined {
  const { taskTimeoutMs } = options;
  const limit = typeof taskTimeoutMs === "function" ? taskTimeoutMs(state) : taskTimeoutMs?.[state];
  if (limit !== undefined && !(Number.isFinite(limit) && limit > 0)) {
    throw new RangeError(`taskTimeoutMs of ${state} must be a positive number of milliseconds, got ${limit}`);
  }
  return limit;
}

/**
 * A Task without TimeoutSeconds has none in AWS (99999999 s), but 60 s in aws-local-stepfunctions: give each such
 * Task the longest wait a Node timer holds (~24.8 days), so a Map Run or a child execution is not cut at 60 s.
 */
const UNBOUNDED_TASK_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

function withAwsTaskTimeouts(machine: StateMachineFragment): StateMachineFragment {
  const states = Object.fromEntries(
    Object.entries(machine.States).map(([name, state]) => {
      if (state.Type === "Task" && state.TimeoutSeconds === undefined && !("TimeoutSecondsPath" in state)) {
        return [name, { ...state, TimeoutSeconds: UNBOUNDED_TASK_SECONDS }];
      }
      if (state.Type === "Map") {
        return [
          name,
          {
            ...state,
            ItemProcessor: { ...state.ItemProcessor, ...withAwsTaskTimeouts(state.ItemProcessor) },
          },
        ];
      }
      return [name, state];
    }),
  );
  return { ...machine, States: states };
}

/** Handlers keyed by state name, checked against the definition: a Task without one would call AWS. */
function taskOverrides(
  definition: StateMachineFragment,
  options: LocalExecutionOptions,
): Record<string, LocalTaskHandler> {
  const taskNames = new Set(listTaskStates(definition).map((task) => task.name));
  const named = Object.keys(options.taskHandlers);
  if (typeof options.taskTimeoutMs === "object") named.push(...Object.keys(options.taskTimeoutMs));
  const stray = named.find((name) => !taskNames.has(name));
  if (stray !== undefined) throw new TypeError(`${stray} is not a Task state of the definition`);
  const overrides: Record<string, LocalTaskHandler> = {};
  for (const name of taskNames) {
    const handler = options.taskHandlers[name];
    if (handler === undefined) throw new TypeError(`no local handler for Task ${name}`);
    const limit = timeLimitOf(options, name);
    overrides[name] = limit === undefined ? handler : withTimeLimit(handler, limit);
  }
  return overrides;
}

/** `{ [state]: ms }` for every state `select` picks, or nothing when no duration is given. */
function everyState(
  definition: StateMachineFragment,
  ms: number | undefined,
  select: (entry: ReturnType<typeof listStates>[number]) => boolean,
): Record<string, number> | undefined {
  if (ms === undefined) return undefined;
  return Object.fromEntries(
    listStates(definition)
      .filter(select)
      .map((entry) => [entry.name, ms]),
  );
}

export async function runLocally(
  definition: StateMachineFragment,
  input: unknown,
  options: LocalExecutionOptions,
): Promise<LocalExecutionOutcome> {
  const taskResourceLocalHandlers = taskOverrides(definition, options);
  const waitTimeOverrides = everyState(definition, options.waitMs, (e) => e.state.Type === "Wait");
  const retryIntervalOverrides = everyState(
    definition,
    options.retryIntervalMs,
    (e) => "Retry" in e.state && e.state.Retry !== undefined,
  );

  // The runner's validator adds fields to the definition it is given: hand it a copy.
  const machine = new StateMachine(structuredClone(withAwsTaskTimeouts(definition)) as never);
  // (the runner types handlers and input over its own JSONValue; ours take what the definition hands them)
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: taskResourceLocalHandlers as never,
      ...(waitTimeOverrides ? { waitTimeOverrides } : {}),
      ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
    },
    context: {
      Execution: { Id: options.execution.id, Name: options.execution.name },
      ...(options.mapItem
        ? { Map: { Item: { Index: options.mapItem.index, Value: options.mapItem.value as never } } }
        : {}),
    },
  });
  const events: unknown[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();
  const stop = () => execution.abort();
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener("abort", stop, { once: true });
  try {
    const output = await execution.result;
    await collecting;
    return { output, events };
  } catch (error) {
    await collecting;
    if (options.signal?.aborted) return { aborted: true, events };
    // Aborts and the execution's own TimeoutSeconds are not failures of the definition: the caller sees them.
    if (!(error instanceof ExecutionError)) throw error;
    const cause = error.cause as Error;
    return { error: { name: cause.name, cause: cause.message }, events };
  } finally {
    options.signal?.removeEventListener("abort", stop);
  }
}
