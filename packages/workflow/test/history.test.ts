// The execution history's worst case, counted from runs of the real definition: Step Functions fails a Standard
// execution at 25,000 events, uncatchably and without a notification, so the definition's two loops must stay
// under it whatever MediaPackage and the Lambdas do.
import { describe, expect, test } from "vitest";
import type { StateMachineFragment } from "../src/asl.js";
import { choice, pass, task } from "../src/asl.js";
import { DEFAULT_POLL } from "../src/config.js";
import { buildStateMachine } from "../src/definition.js";
import {
  HISTORY_EVENT_LIMIT,
  HISTORY_MARGIN,
  longestPathEvents,
  loopEvents,
  visitEvents,
} from "../src/history.js";
import { MAX_ENDPOINTS } from "../src/schemas.js";
import {
  FakeMediaPackage,
  LAMBDA_ARNS,
  type RunResult,
  runWorkflow,
  SEED_INPUT,
  TEST_CONFIG,
  TOPIC_ARN,
} from "./harness.js";

interface LoggedEvent {
  readonly type: string;
  readonly state?: { readonly type: string };
}

/**
 * The events Step Functions would record for what aws-local-stepfunctions logged. The runner logs one
 * StateEntered/StateExited per visit; Step Functions adds, for a Task, Scheduled + Started per attempt and
 * Succeeded/Failed per attempt's end; for a Map, MapStateStarted and MapStateSucceeded.
 */
function awsHistoryEvents(events: readonly unknown[]): number {
  let count = 0;
  for (const event of events as LoggedEvent[]) {
    const stateType = event.state?.type;
    switch (event.type) {
      case "StateEntered":
        count += stateType === "Task" ? 3 : stateType === "Map" ? 2 : 1;
        break;
      case "StateExited":
        // A Task's success (TaskSucceeded) is counted here and taken back below when the failure was caught.
        count += stateType === "Task" || stateType === "Map" ? 2 : 1;
        break;
      case "StateRetried":
        count += 2;
        break;
      case "StateFailed":
        count += stateType === "Task" ? 1 : 0;
        break;
      case "StateCaught":
        count -= 1;
        break;
      default:
        // ExecutionStarted/Succeeded/Failed, MapIterationStarted/Succeeded/Failed: one each.
        count += 1;
    }
  }
  return count;
}

describe("counting events from the definition", () => {
  const machine: StateMachineFragment = {
    StartAt: "A",
    States: {
      A: task("arn:aws:lambda:us-east-1:1:function:f", "B", {
        Retry: [{ ErrorEquals: ["X"], MaxAttempts: 2 }, { ErrorEquals: ["Y"] }],
      }),
      B: choice([{ Variable: "$.again", BooleanEquals: true, Next: "C" }], "D"),
      C: pass("A"),
      D: pass(undefined),
    },
  };

  test.each([
    ["A", "none", 5],
    ["A", "all", 5 + 3 * (2 + 3)],
    ["B", "none", 2],
    ["D", "all", 2],
  ] as const)("a visit of %s with %s retries records %i events", (name, retries, events) => {
    expect(visitEvents(machine.States[name] as never, retries)).toBe(events);
  });

  test("the longest path without a loop, and one pass of the loop", () => {
    const cost = (_: string, state: Parameters<typeof visitEvents>[0]) => visitEvents(state, "none");
    // A B C (C leads back to A, already on the path) or A B D.
    expect(longestPathEvents(machine, cost)).toBe(5 + 2 + 2);
    expect(loopEvents(machine, "A", cost)).toBe(5 + 2 + 2);
    expect(() => loopEvents(machine, "D", cost)).toThrow("D is on no loop");
  });
});

/** Endpoints that stay QUEUED until the last poll the wait allows, then PLAYABLE; copies that never finish. */
async function worstCase(mode: "mediapackage" | "direct", endpoints: number): Promise<RunResult> {
  const configs = Array.from({ length: endpoints }, (_, i) => `c${i}`);
  const never = { invocations: Number.POSITIVE_INFINITY, objects: 1_000, bytes: 1_000_000 };
  const copies = Object.fromEntries(configs.map((id) => [id, never]));
  const config = { lambdaArns: LAMBDA_ARNS, topicArn: TOPIC_ARN, mapConcurrency: 4 };
  if (mode === "direct") {
    const input = {
      harvestRequest: {
        Id: "show-1",
        Sources: configs.map((id) => ({ Name: id, Url: `https://origin.test/${id}/index.m3u8` })),
        DestinationBucket: "dest-bucket",
      },
    };
    return runWorkflow(input, { copies, exhaustRetries: true }, config);
  }
  const mediaPackage = new FakeMediaPackage({ "pg-1": { configs } });
  const script = [...new Array<string>(DEFAULT_POLL.maxAttempts - 1).fill("QUEUED"), "PLAYABLE"];
  mediaPackage.statusScripts = Object.fromEntries(configs.map((id) => [id, script]));
  return runWorkflow(SEED_INPUT, { mediaPackage, copies, exhaustRetries: true }, config);
}

describe("worst-case history of the real definition (every retry spent, every loop at its bound)", () => {
  test.each([
    ["mediapackage", 1],
    ["mediapackage", 4],
    ["mediapackage", 10],
    ["mediapackage", MAX_ENDPOINTS],
    ["direct", 1],
    ["direct", MAX_ENDPOINTS],
  ] as const)(
    "%s, %i endpoints: under the limit, every endpoint stopped by the invocation limit",
    async (mode, endpoints) => {
      const run = await worstCase(mode, endpoints);
      const events = awsHistoryEvents(run.events);
      console.log(`history: ${mode}, ${endpoints} endpoint(s), worst case: ${events} events`);
      expect(run.error).toBeUndefined();
      const results = (run.output as { results: { status: string }[] }).results;
      expect(results.map((r) => r.status)).toEqual(new Array(endpoints).fill("FAILED"));
      const failures = run.notifications.filter((n) => n.Event === "EndpointFailed");
      expect(failures.map((n) => n.Error)).toEqual(new Array(endpoints).fill("HarvestInvocationLimit"));
      if (mode === "mediapackage") {
        expect(run.calls.filter((c) => c.state === "PollAsset")).toHaveLength(DEFAULT_POLL.maxAttempts - 1);
      }
      expect(events).toBeLessThanOrEqual(HISTORY_EVENT_LIMIT - HISTORY_MARGIN);
      // The bound is not wasteful: the run uses most of what the limit allows (the rest is whole invocations
      // rounded down, and paths the count must allow for but this run does not take).
      expect(events).toBeGreaterThan((HISTORY_EVENT_LIMIT - HISTORY_MARGIN) * 0.7);
    },
    120_000,
  );

  test("a definition whose wait alone would pass the limit is refused when built", () => {
    expect(() => buildStateMachine({ ...TEST_CONFIG, poll: { maxAttempts: 1_000 } })).toThrow(
      /leave no harvest invocation within 25000 history events/,
    );
  });
});
