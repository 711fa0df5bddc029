// runLocally on tiny hand-written definitions. Expected outputs and event sequences are worked out from the ASL
// semantics (Task result replaces the input unless ResultPath says otherwise; Catch with ResultPath adds
// {Error, Cause}) and from the runner's event log: one StateEntered per state, StateExited on success,
// StateFailed (+ StateRetried) on failure, Execution* first and last.
import { afterEach, describe, expect, test, vi } from "vitest";
import type { StateMachineFragment } from "../src/asl.js";
import {
  LAMBDA_TIMED_OUT,
  type LocalExecutionOptions,
  type LocalTaskHandler,
  runLocally,
} from "../src/local-execution.js";
import { namedError } from "./harness.js";

const RESOURCE = "arn:aws:lambda:us-east-1:111122223333:function:local-execution-test";
const EXECUTION = { id: "arn:aws:states:us-east-1:111122223333:execution:m:run-1", name: "run-1" };

type Options = Omit<LocalExecutionOptions, "execution">;
const run = (definition: StateMachineFragment, input: unknown, options: Options) =>
  runLocally(definition, input, { ...options, execution: EXECUTION });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const resolvesAfter =
  (ms: number, output: unknown): LocalTaskHandler =>
  () =>
    sleep(ms).then(() => output);

/** One Task that ends the machine. */
const oneTask = (name: string, extra: object = {}): StateMachineFragment => ({
  StartAt: name,
  States: { [name]: { Type: "Task", Resource: RESOURCE, End: true, ...extra } },
});

const double: LocalTaskHandler = async (input) => ({ n: (input as { n: number }).n * 2 });

/** [type, state name] of each event: what the assertions compare (timestamps differ per run). */
const eventTrail = (events: readonly unknown[]) =>
  events.map((event) => {
    const { type, state } = event as { type: string; state?: { name: string } };
    return state === undefined ? [type] : [type, state.name];
  });

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe("success", () => {
  test.each([
    {
      what: "a Task's result is the output",
      definition: oneTask("Double"),
      input: { n: 21 },
      output: { n: 42 },
    },
    {
      what: "ResultPath merges the Task's result into its input",
      definition: oneTask("Double", { ResultPath: "$.doubled" }),
      input: { n: 4 },
      output: { n: 4, doubled: { n: 8 } },
    },
    {
      what: "two Tasks chain: the second gets the first's result",
      definition: {
        StartAt: "Double",
        States: {
          Double: { Type: "Task", Resource: RESOURCE, Next: "Again" },
          Again: { Type: "Task", Resource: RESOURCE, End: true },
        },
      } satisfies StateMachineFragment,
      input: { n: 3 },
      output: { n: 12 },
    },
  ])("$what", async ({ definition, input, output }) => {
    const taskHandlers = Object.fromEntries(Object.keys(definition.States).map((name) => [name, double]));
    const outcome = await run(definition, input, { taskHandlers });
    expect(outcome.error).toBeUndefined();
    expect(outcome.output).toEqual(output);
  });

  test("$$.Execution carries the given id and name", async () => {
    const definition: StateMachineFragment = {
      StartAt: "Context",
      States: {
        Context: {
          Type: "Pass",
          Parameters: { "id.$": "$$.Execution.Id", "name.$": "$$.Execution.Name" },
          Next: "Echo",
        },
        Echo: { Type: "Task", Resource: RESOURCE, End: true },
      },
    };
    const outcome = await run(definition, {}, { taskHandlers: { Echo: async (input) => input } });
    expect(outcome.output).toEqual({ id: EXECUTION.id, name: "run-1" });
  });

  test("the definition given is not changed (the runner's validator writes into its copy)", async () => {
    const definition = oneTask("Double", { Retry: [{ ErrorEquals: ["States.ALL"] }] });
    const before = structuredClone(definition);
    await run(definition, { n: 1 }, { taskHandlers: { Double: double } });
    expect(definition).toEqual(before);
  });
});

describe("failure", () => {
  test.each([
    {
      what: "a Fail state's Error and Cause",
      definition: {
        StartAt: "Stop",
        States: { Stop: { Type: "Fail", Error: "InvalidRequest", Cause: "createAssetRequest.Id: required" } },
      } satisfies StateMachineFragment,
      handler: undefined,
      error: { name: "InvalidRequest", cause: "createAssetRequest.Id: required" },
    },
    {
      what: "an uncaught handler error's name and message",
      definition: oneTask("Boom"),
      handler: async () => {
        throw namedError("MediaPackageVod.NotFoundException", "Asset a-1 not found");
      },
      error: { name: "MediaPackageVod.NotFoundException", cause: "Asset a-1 not found" },
    },
    {
      what: "a handler error after its Retry is used up",
      definition: oneTask("Boom", { Retry: [{ ErrorEquals: ["Flaky"], MaxAttempts: 2 }] }),
      handler: async () => {
        throw namedError("Flaky", "still down");
      },
      error: { name: "Flaky", cause: "still down" },
    },
  ])("$what", async ({ definition, handler, error }) => {
    const outcome = await run(
      definition,
      {},
      { taskHandlers: handler ? { Boom: handler } : {}, retryIntervalMs: 0 },
    );
    expect(outcome.output).toBeUndefined();
    expect(outcome.error).toEqual(error);
  });
});

describe("events", () => {
  let calls = 0;
  const flakyOnce: LocalTaskHandler = async (input) => {
    calls += 1;
    if (calls === 1) throw namedError("Flaky", "first call fails");
    return input;
  };
  afterEach(() => {
    calls = 0;
  });

  test.each([
    {
      what: "a succeeding Task",
      definition: oneTask("Double"),
      handler: double,
      trail: [
        ["ExecutionStarted"],
        ["StateEntered", "Double"],
        ["StateExited", "Double"],
        ["ExecutionSucceeded"],
      ],
    },
    {
      what: "a failing Task",
      definition: oneTask("Double"),
      handler: async () => {
        throw namedError("Broken", "no");
      },
      trail: [
        ["ExecutionStarted"],
        ["StateEntered", "Double"],
        ["StateFailed", "Double"],
        ["ExecutionFailed"],
      ],
    },
    {
      what: "a Task retried once",
      definition: oneTask("Double", { Retry: [{ ErrorEquals: ["Flaky"], MaxAttempts: 1 }] }),
      handler: flakyOnce,
      trail: [
        ["ExecutionStarted"],
        ["StateEntered", "Double"],
        ["StateFailed", "Double"],
        ["StateRetried", "Double"],
        ["StateExited", "Double"],
        ["ExecutionSucceeded"],
      ],
    },
  ])("are collected in order for $what", async ({ definition, handler, trail }) => {
    const outcome = await run(
      definition,
      { n: 1 },
      { taskHandlers: { Double: handler }, retryIntervalMs: 0 },
    );
    expect(eventTrail(outcome.events)).toEqual(trail);
  });

  test("carry the state's input and output", async () => {
    const outcome = await run(oneTask("Double"), { n: 5 }, { taskHandlers: { Double: double } });
    expect(outcome.events[2]).toMatchObject({
      type: "StateExited",
      state: { name: "Double", type: "Task", input: { n: 5 }, output: { n: 10 } },
    });
  });
});

describe("wait and retry overrides", () => {
  const LONG_SECONDS = 30;
  const waitThenTask: StateMachineFragment = {
    StartAt: "Pause",
    States: {
      Pause: { Type: "Wait", Seconds: LONG_SECONDS, Next: "Echo" },
      Echo: { Type: "Task", Resource: RESOURCE, End: true },
    },
  };
  const waitInsideMap: StateMachineFragment = {
    StartAt: "Each",
    States: {
      Each: {
        Type: "Map",
        ItemsPath: "$.items",
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: "InnerPause",
          States: {
            InnerPause: { Type: "Wait", Seconds: LONG_SECONDS, Next: "Echo" },
            Echo: { Type: "Task", Resource: RESOURCE, End: true },
          },
        },
        End: true,
      },
    },
  };
  const retrying = (seconds: number) =>
    oneTask("Echo", { Retry: [{ ErrorEquals: ["Flaky"], IntervalSeconds: seconds, MaxAttempts: 1 }] });
  const retryInsideMap: StateMachineFragment = {
    StartAt: "Each",
    States: {
      Each: {
        Type: "Map",
        ItemsPath: "$.items",
        ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, ...retrying(LONG_SECONDS) },
        End: true,
      },
    },
  };

  /** Fails the first call for each distinct input, then echoes it. */
  const flakyPerInput = (): LocalTaskHandler => {
    const seen = new Set<string>();
    return async (input) => {
      const key = JSON.stringify(input);
      if (!seen.has(key)) {
        seen.add(key);
        throw namedError("Flaky", `first call for ${key}`);
      }
      return input;
    };
  };
  const echo: LocalTaskHandler = async (input) => input;

  test.each([
    {
      what: "waitMs replaces a top-level Wait's Seconds",
      definition: waitThenTask,
      handler: echo,
      overrides: { waitMs: 0 },
      output: { items: [1, 2] },
    },
    {
      what: "waitMs replaces a Wait's Seconds inside a Map iteration",
      definition: waitInsideMap,
      handler: echo,
      overrides: { waitMs: 0 },
      output: [1, 2],
    },
    {
      what: "retryIntervalMs replaces a top-level Retry's IntervalSeconds",
      definition: retrying(LONG_SECONDS),
      handler: flakyPerInput(),
      overrides: { retryIntervalMs: 0 },
      output: { items: [1, 2] },
    },
    {
      what: "retryIntervalMs replaces a Retry's IntervalSeconds inside a Map iteration",
      definition: retryInsideMap,
      handler: flakyPerInput(),
      overrides: { retryIntervalMs: 0 },
      output: [1, 2],
    },
  ])("$what", async ({ definition, handler, overrides, output }) => {
    const { result, ms } = await timed(() =>
      run(definition, { items: [1, 2] }, { taskHandlers: { Echo: handler }, ...overrides }),
    );
    expect(result.output).toEqual(output);
    // The definition alone would take ≥ 30 s.
    expect(ms).toBeLessThan(LONG_SECONDS * 1000 - 20_000);
  });

  const shortWait: StateMachineFragment = {
    ...waitThenTask,
    States: { ...waitThenTask.States, Pause: { Type: "Wait", Seconds: 1, Next: "Echo" } },
  };
  test.each([
    {
      what: "waitMs is what a Wait lasts",
      definition: waitThenTask,
      flaky: false,
      overrides: { waitMs: 300 },
      atLeastMs: 300,
    },
    {
      what: "without waitMs a Wait lasts its Seconds",
      definition: shortWait,
      flaky: false,
      overrides: {},
      atLeastMs: 1000,
    },
    {
      what: "retryIntervalMs is what a retry waits",
      definition: retrying(LONG_SECONDS),
      flaky: true,
      overrides: { retryIntervalMs: 300 },
      atLeastMs: 300,
    },
    {
      what: "without retryIntervalMs a retry waits its IntervalSeconds",
      definition: retrying(1),
      flaky: true,
      overrides: {},
      atLeastMs: 1000,
    },
  ])("$what", async ({ definition, flaky, overrides, atLeastMs }) => {
    const handler = flaky ? flakyPerInput() : echo;
    const { result, ms } = await timed(() =>
      run(definition, { n: 1 }, { taskHandlers: { Echo: handler }, ...overrides }),
    );
    expect(result.error).toBeUndefined();
    expect(ms).toBeGreaterThanOrEqual(atLeastMs - 5);
    expect(ms).toBeLessThan(atLeastMs + 5_000);
  });
});

describe("per-Task time limit", () => {
  const LIMIT_MS = 50;
  const TIMED_OUT = { name: LAMBDA_TIMED_OUT, cause: "Task timed out after 0.05 seconds" };

  test.each([
    {
      what: "a handler running past its limit fails its Task with Sandbox.Timedout",
      handler: resolvesAfter(1_000, { late: true }),
      taskTimeoutMs: { Slow: LIMIT_MS },
      outcome: { error: TIMED_OUT },
    },
    {
      what: "the limit may come from a function of the state name",
      handler: resolvesAfter(1_000, { late: true }),
      taskTimeoutMs: (state: string) => (state === "Slow" ? LIMIT_MS : undefined),
      outcome: { error: TIMED_OUT },
    },
    {
      what: "a handler finishing within its limit returns its output",
      handler: resolvesAfter(10, { done: true }),
      taskTimeoutMs: { Slow: 2_000 },
      outcome: { output: { done: true } },
    },
    {
      what: "a handler failing within its limit fails with its own error",
      handler: async () => {
        throw namedError("HarvestPlanTimeout", "crawl cut short");
      },
      taskTimeoutMs: { Slow: LIMIT_MS },
      outcome: { error: { name: "HarvestPlanTimeout", cause: "crawl cut short" } },
    },
    {
      what: "a handler failing synchronously fails with its own error",
      handler: () => {
        throw namedError("Sync", "thrown before any promise");
      },
      taskTimeoutMs: { Slow: LIMIT_MS },
      outcome: { error: { name: "Sync", cause: "thrown before any promise" } },
    },
    {
      what: "without a limit a slow handler is waited for",
      handler: resolvesAfter(150, { done: true }),
      taskTimeoutMs: undefined,
      outcome: { output: { done: true } },
    },
  ])("$what", async ({ handler, taskTimeoutMs, outcome }) => {
    const result = await run(oneTask("Slow"), {}, { taskHandlers: { Slow: handler }, taskTimeoutMs });
    expect({ output: result.output, error: result.error }).toEqual({
      output: undefined,
      error: undefined,
      ...outcome,
    });
  });

  test("the Task fails at the limit, not when the handler ends", async () => {
    // Ordered by events, not by how fast the machine is: the execution must be over before the handler ends.
    let handlerEnded = false;
    const slow: LocalTaskHandler = () =>
      sleep(2_000).then(() => {
        handlerEnded = true;
        return null;
      });
    const { result, ms } = await timed(() =>
      run(oneTask("Slow"), {}, { taskHandlers: { Slow: slow }, taskTimeoutMs: { Slow: LIMIT_MS } }),
    );
    expect(result.error).toEqual(TIMED_OUT);
    expect(ms).toBeGreaterThanOrEqual(LIMIT_MS - 5);
    expect(handlerEnded).toBe(false);
  });

  test("Retry and Catch see Sandbox.Timedout by name", async () => {
    let calls = 0;
    const slowOnce: LocalTaskHandler = () => {
      calls += 1;
      return resolvesAfter(calls === 1 ? 1_000 : 0, { attempt: calls })(null);
    };
    const definition = oneTask("Slow", {
      Retry: [{ ErrorEquals: [LAMBDA_TIMED_OUT], MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught", ResultPath: "$.error" }],
    });
    const withCatchTarget: StateMachineFragment = {
      ...definition,
      States: { ...definition.States, Caught: { Type: "Pass", End: true } },
    };
    const retried = await run(
      withCatchTarget,
      {},
      {
        taskHandlers: { Slow: slowOnce },
        taskTimeoutMs: { Slow: LIMIT_MS },
        retryIntervalMs: 0,
      },
    );
    expect(retried.output).toEqual({ attempt: 2 });

    const caught = await run(
      withCatchTarget,
      { n: 1 },
      {
        taskHandlers: { Slow: resolvesAfter(1_000, null) },
        taskTimeoutMs: { Slow: LIMIT_MS },
        retryIntervalMs: 0,
      },
    );
    expect(caught.output).toEqual({ n: 1, error: { Error: LAMBDA_TIMED_OUT, Cause: TIMED_OUT.cause } });
  });
});

describe("checked before the run", () => {
  test.each<{ what: string; options: Options; error: RegExp }>([
    {
      what: "a Task without a handler",
      options: { taskHandlers: {} },
      error: /no local handler for Task Double/,
    },
    {
      what: "a handler for a state that is not a Task",
      options: { taskHandlers: { Double: double, Nope: double } },
      error: /Nope is not a Task state/,
    },
    {
      what: "a time limit for a state that is not a Task",
      options: { taskHandlers: { Double: double }, taskTimeoutMs: { Dobule: 10 } },
      error: /Dobule is not a Task state/,
    },
  ])("$what is refused with a TypeError", async ({ options, error }) => {
    const outcome = run(oneTask("Double"), { n: 1 }, options);
    await expect(outcome).rejects.toThrow(TypeError);
    await expect(outcome).rejects.toThrow(error);
  });

  test.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("a time limit of %s is refused", async (limit) => {
    const outcome = run(
      oneTask("Double"),
      { n: 1 },
      { taskHandlers: { Double: double }, taskTimeoutMs: { Double: limit } },
    );
    await expect(outcome).rejects.toThrow(RangeError);
  });
});

describe("Task timeouts as in AWS", () => {
  afterEach(() => vi.useRealTimers());

  test.each([
    [
      "a Task without TimeoutSeconds (none in AWS) outlives the runner's own 60 s default",
      {},
      { output: { done: true } },
    ],
    [
      "a Task with TimeoutSeconds still times out",
      { TimeoutSeconds: 30 },
      { error: { name: "States.Timeout" } },
    ],
  ])("%s", async (_what, extra, expected) => {
    vi.useFakeTimers();
    let finish: (value: unknown) => void = () => {};
    const handler: LocalTaskHandler = () => new Promise((resolve) => (finish = resolve));
    const outcome = run(oneTask("Long", extra), {}, { taskHandlers: { Long: handler } });
    await vi.advanceTimersByTimeAsync(61_000);
    finish({ done: true });
    expect(await outcome).toMatchObject(expected);
  });
});
