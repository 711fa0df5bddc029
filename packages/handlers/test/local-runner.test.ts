// createLocalRunner enforces each Lambda's timeout as AWS does: a handler still running at its function's timeout
// fails its Task with Sandbox.Timedout. Prepare is the first state and a Prepare failure ends the execution with
// Prepare's own Error and Cause (definition: Prepare → Catch → NotifyInputRejected → InputRejected Fail), so the
// stubs below never need the rest of the workflow. No moto: every Task is a stub.
import { buildStateMachine, INVALID_REQUEST, type LambdaName } from "@vod-harvest/workflow";
import { describe, expect, test } from "vitest";
import { createLocalRunner, type LocalLambdas, type LocalRunnerOptions } from "../src/local.js";

const ACCOUNT = "111122223333";
const LAMBDA_ARNS: Record<LambdaName, string> = {
  prepare: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vod-harvest-prepare`,
  "resolve-endpoints": `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vod-harvest-resolve-endpoints`,
  check: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vod-harvest-check`,
  harvest: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vod-harvest-harvest`,
  finalize: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vod-harvest-finalize`,
};
const definition = buildStateMachine({
  lambdaArns: LAMBDA_ARNS,
  topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:vod-harvest`,
  mapConcurrency: 1,
  poll: { initialSeconds: 1, maxSeconds: 2, maxAttempts: 2 },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unexpected = (what: string) => async () => {
  throw new Error(`${what} must not be reached in these tests`);
};

function invalidRequest(message: string): Error {
  const error = new Error(message);
  error.name = INVALID_REQUEST;
  return error;
}

/** A runner whose Prepare takes `prepareMs`, then rejects the input; it records the time it was given. */
function runnerWith(prepareMs: number, lambdaTimeoutMs: LocalRunnerOptions["lambdaTimeoutMs"]) {
  const remainingAtStart: number[] = [];
  const lambdas = {
    prepare: async (_event, context) => {
      remainingAtStart.push(context.getRemainingTimeInMillis());
      await sleep(prepareMs);
      throw invalidRequest("createAssetRequest: required");
    },
    "resolve-endpoints": unexpected("resolve-endpoints"),
    check: unexpected("check"),
    harvest: unexpected("harvest"),
    finalize: unexpected("finalize"),
  } satisfies LocalLambdas;
  const runner = createLocalRunner({
    definition,
    lambdaArns: LAMBDA_ARNS,
    lambdas,
    mediaPackage: {
      describeAsset: unexpected("describeAsset"),
      createAsset: unexpected("createAsset"),
      deleteAsset: unexpected("deleteAsset"),
      describePackagingGroup: unexpected("describePackagingGroup"),
    },
    sns: { publish: async () => ({ MessageId: "1" }) },
    now: () => 0, // the remaining time a handler sees does not depend on the machine's speed
    ...(lambdaTimeoutMs === undefined ? {} : { lambdaTimeoutMs }),
  });
  return { runner, remainingAtStart };
}

const TIMED_OUT = { name: "Sandbox.Timedout", cause: "Task timed out after 0.05 seconds" };
const REJECTED = { name: INVALID_REQUEST, cause: "createAssetRequest: required" };

describe("a Lambda's timeout", () => {
  test.each([
    {
      what: "per function",
      prepareMs: 1_000,
      lambdaTimeoutMs: { prepare: 50 },
      limitMs: 50,
      error: TIMED_OUT,
    },
    { what: "for every function", prepareMs: 1_000, lambdaTimeoutMs: 50, limitMs: 50, error: TIMED_OUT },
    {
      what: "of another function",
      prepareMs: 100,
      lambdaTimeoutMs: { harvest: 50 },
      limitMs: 900_000,
      error: REJECTED,
    },
    {
      what: "not reached",
      prepareMs: 10,
      lambdaTimeoutMs: { prepare: 2_000 },
      limitMs: 2_000,
      error: REJECTED,
    },
    {
      what: "by default 900 s",
      prepareMs: 100,
      lambdaTimeoutMs: undefined,
      limitMs: 900_000,
      error: REJECTED,
    },
  ])(
    "$what: the handler's time and its Task's outcome",
    async ({ prepareMs, lambdaTimeoutMs, limitMs, error }) => {
      const { runner, remainingAtStart } = runnerWith(prepareMs, lambdaTimeoutMs);
      const result = await runner.run({});
      expect(result.error).toEqual(error);
      // The context's remaining time and the enforced limit are the same number.
      expect(remainingAtStart).toEqual([limitMs]);
      // The Prepare Task itself failed so (not a later state).
      const prepareFailure = result.events.find((event) => {
        const { type, state } = event as { type: string; state?: { name: string } };
        return type === "StateFailed" && state?.name === "Prepare";
      });
      expect(prepareFailure).toMatchObject({ Error: error.name, Cause: error.cause });
    },
  );
});
