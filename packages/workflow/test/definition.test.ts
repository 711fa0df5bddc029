// Static checks of the definition: valid ASL, every transition resolves, every Task retries and catches, and
// nothing the local runner would silently ignore or reject (JSONata, filters, Distributed Map, ResultPath "$").
import validator from "asl-validator";
import { describe, expect, test } from "vitest";
import type { State, StateMachineDefinition } from "../src/asl.js";
import type { StateMachineConfig } from "../src/config.js";
import { buildStateMachine } from "../src/definition.js";
import { LAMBDA_SERVICE_ERRORS } from "../src/errors.js";
import { successors } from "../src/history.js";
import { listStates, listTaskStates } from "../src/inspect.js";
import { LAMBDA_ARNS, TEST_CONFIG, TOPIC_ARN } from "./harness.js";

const configs: [string, StateMachineConfig][] = [
  ["defaults", { lambdaArns: LAMBDA_ARNS, topicArn: TOPIC_ARN }],
  ["test config", TEST_CONFIG],
  ["short waits", { lambdaArns: LAMBDA_ARNS, topicArn: TOPIC_ARN, shortWaits: true, mapConcurrency: 1 }],
];

describe.each(configs)("definition (%s)", (_name, config) => {
  const definition: StateMachineDefinition = buildStateMachine(config);
  const entries = listStates(definition);

  test("asl-validator accepts it", () => {
    const result = validator(structuredClone(definition) as never, { checkArn: true, checkPaths: true });
    expect(result.errorsText("\n")).toBe("");
    expect(result.isValid).toBe(true);
  });

  test("every transition names a state of its own (sub-)machine, and every state is reachable", () => {
    const machines = new Set(entries.map((e) => e.machine));
    machines.add(definition);
    for (const machine of machines) {
      const reached = new Set<string>([machine.StartAt]);
      const queue = [machine.StartAt];
      while (queue.length > 0) {
        const name = queue.pop() as string;
        const state = machine.States[name];
        expect(state, `${name} exists`).toBeDefined();
        for (const target of successors(state as State)) {
          expect(Object.keys(machine.States), `transition ${name} → ${target}`).toContain(target);
          if (!reached.has(target)) {
            reached.add(target);
            queue.push(target);
          }
        }
      }
      expect([...reached].sort()).toEqual(Object.keys(machine.States).sort());
    }
  });

  test("state names are unique across the definition (local overrides are keyed by name)", () => {
    const names = entries.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
  });

  test("every Task retries and catches everything; Lambdas retry the Lambda service errors", () => {
    for (const { name, state } of entries) {
      if (state.Type !== "Task") continue;
      expect(state.Retry?.length, `${name} Retry`).toBeGreaterThan(0);
      expect(state.Catch?.at(-1)?.ErrorEquals, `${name} Catch`).toEqual(["States.ALL"]);
      const retried = state.Retry?.flatMap((r) => r.ErrorEquals) ?? [];
      if (state.Resource.startsWith("arn:aws:lambda:")) {
        expect(retried, name).toEqual(expect.arrayContaining([...LAMBDA_SERVICE_ERRORS]));
        expect(state.TimeoutSeconds, `${name} TimeoutSeconds`).toBeGreaterThan(60);
      } else if (state.Resource.includes(":aws-sdk:mediapackagevod:")) {
        expect(retried, name).toContain("MediaPackageVod.TooManyRequestsException");
      }
    }
  });

  test("Task resources are the configured Lambdas, four MediaPackage VOD actions and SNS publish", () => {
    const resources = new Set(listTaskStates(definition).map((t) => t.resource));
    expect([...resources].sort()).toEqual(
      [
        ...Object.values(LAMBDA_ARNS),
        "arn:aws:states:::aws-sdk:mediapackagevod:createAsset",
        "arn:aws:states:::aws-sdk:mediapackagevod:deleteAsset",
        "arn:aws:states:::aws-sdk:mediapackagevod:describeAsset",
        "arn:aws:states:::aws-sdk:mediapackagevod:describePackagingGroup",
        "arn:aws:states:::sns:publish",
      ].sort(),
    );
  });

  test("JSONPath only; no filters, no Distributed Map, no ResultPath '$'", () => {
    const text = JSON.stringify(definition);
    expect(definition.QueryLanguage).toBe("JSONPath");
    expect(/JSONata|\{%/.test(text)).toBe(false);
    for (const { name, state } of entries) {
      const jsonataFields = Object.keys(state).filter((key) =>
        ["QueryLanguage", "Arguments", "Output", "Assign"].includes(key),
      );
      expect(jsonataFields, name).toEqual([]);
    }
    // The local runner rejects `[?(... $.x ...)]`; we use no filter at all.
    expect(text.includes("[?(")).toBe(false);
    expect(/ItemReader|ResultWriter|DISTRIBUTED/.test(text)).toBe(false);
    // aws-local-stepfunctions 3 would store the result under a key named "$" instead of replacing the state.
    expect(text.includes('"ResultPath":"$"')).toBe(false);
    for (const { state } of entries) {
      if (state.Type === "Map") expect(state.ItemProcessor.ProcessorConfig.Mode).toBe("INLINE");
    }
  });

  test("the Map takes its concurrency from the config", () => {
    const map = entries.find((e) => e.name === "HarvestEndpoints")?.state;
    expect(map?.Type === "Map" && "MaxConcurrency" in map && map.MaxConcurrency).toBe(
      config.mapConcurrency ?? 4,
    );
  });
});

test.each([
  [{ mapConcurrency: 0 }, "mapConcurrency must be a positive integer, got 0"],
  [{ poll: { initialSeconds: 5, maxSeconds: 2 } }, "poll.maxSeconds (2) is below poll.initialSeconds (5)"],
  [{ poll: { maxAttempts: 1.5 } }, "poll.maxAttempts must be a positive integer, got 1.5"],
])("a bad config is refused: %j", (override, message) => {
  expect(() => buildStateMachine({ ...TEST_CONFIG, ...override })).toThrow(message);
});
