// The local Distributed Map (local-map-lower.ts, local-map-run.ts): the real catalogue definition run with
// aws-local-stepfunctions, its Lambdas and SNS faked, S3 an in-memory map, each child a fake per-asset execution.
import { describe, expect, test } from "vitest";
import type { DistributedMapState } from "../src/asl.js";
import { buildCatalogStateMachine, CATALOG_STATES } from "../src/catalog-definition.js";
import { childResultsOf, summarizeCatalog } from "../src/index.js";
import {
  createDistributedMapHandler,
  EXCEED_TOLERATED_FAILURE_THRESHOLD,
  LOCAL_DISTRIBUTED_MAP,
  lowerDistributedMaps,
  type MapRunSnapshot,
  runLocally,
} from "../src/local.js";
import { ACCOUNT, namedError, TOPIC_ARN } from "./harness.js";

const CHILD = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:vod-harvest`;
const PARENT = `arn:aws:states:us-east-1:${ACCOUNT}:execution:vod-harvest-catalog:run-1`;
const definition = buildCatalogStateMachine({
  lambdaArns: {
    "prepare-catalog": `arn:aws:lambda:us-east-1:${ACCOUNT}:function:p`,
    "summarize-catalog": `arn:aws:lambda:us-east-1:${ACCOUNT}:function:s`,
  },
  childStateMachineArn: CHILD,
  topicArn: TOPIC_ARN,
});
const START_SYNC = "arn:aws:states:::states:startExecution.sync:2";

const assetInput = (id: string) => ({ harvestRequest: { Id: id } });

interface Scenario {
  readonly assets: readonly string[];
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
  /** The child of this asset fails (FAILED, as startExecution.sync reports it). */
  readonly failing?: readonly string[];
  /** The child of this asset succeeds with an endpoint FAILED (the per-asset output contract). */
  readonly endpointFailing?: readonly string[];
  /** Starting these is refused once with ExecutionLimitExceeded before it succeeds. */
  readonly throttledOnce?: readonly string[];
}

async function runCatalog(scenario: Scenario) {
  const objects = new Map<string, string>();
  objects.set(
    "dest/items.jsonl",
    `${scenario.assets.map((id) => JSON.stringify(assetInput(id))).join("\n")}\n`,
  );
  const started: string[] = [];
  const throttled = new Set(scenario.throttledOnce ?? []);
  let running = 0;
  let mostAtOnce = 0;
  const snapshots: MapRunSnapshot[] = [];
  const io = {
    readObject: async (bucket: string, key: string) => {
      const body = objects.get(`${bucket}/${key}`);
      if (body === undefined) throw new Error(`NoSuchKey ${bucket}/${key}`);
      return body;
    },
    writeObject: async (bucket: string, key: string, body: string) => {
      objects.set(`${bucket}/${key}`, body);
    },
    runTask: async (resource: string, input: unknown, signal: AbortSignal) => {
      expect(resource).toBe(START_SYNC);
      const { StateMachineArn, Input } = input as {
        StateMachineArn: string;
        Input: ReturnType<typeof assetInput>;
      };
      expect(StateMachineArn).toBe(CHILD);
      const id = Input.harvestRequest.Id;
      if (throttled.delete(id)) {
        const error = new Error("too many executions");
        error.name = "StepFunctions.ExecutionLimitExceededException";
        throw error;
      }
      started.push(id);
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      // Children overlap: each ends only after the others had their chance to start.
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      if (signal.aborted) throw new Error("stopped");
      if (scenario.failing?.includes(id)) {
        const error = new Error(JSON.stringify({ Status: "FAILED", Error: "EndpointFailed" }));
        error.name = "States.TaskFailed";
        throw error;
      }
      const status = scenario.endpointFailing?.includes(id) ? "FAILED" : "COMPLETE";
      return { Status: "SUCCEEDED", Output: { assetId: id, results: [{ status, bytes: 10 }] } };
    },
    onMapRun: (snapshot: MapRunSnapshot) => snapshots.push(snapshot),
    retryIntervalMs: 0,
  };
  const lowered = lowerDistributedMaps(definition);
  const mapHandlers = Object.fromEntries(
    Object.entries(lowered.maps).map(([stateName, map]) => [
      stateName,
      createDistributedMapHandler({ stateName, map, io }),
    ]),
  );
  const notifications: unknown[] = [];
  const outcome = await runLocally(
    lowered.definition,
    { catalogRequest: {} },
    {
      execution: { id: PARENT, name: "run-1" },
      retryIntervalMs: 0,
      taskHandlers: {
        ...mapHandlers,
        [CATALOG_STATES.prepare]: async () => ({
          bucket: "dest",
          itemsKey: "items.jsonl",
          resultsPrefix: "_state/results",
          maxConcurrency: scenario.maxConcurrency,
          toleratedFailurePercentage: scenario.toleratedFailurePercentage,
          count: scenario.assets.length,
          destination: { bucket: "dest", prefix: "vod/" },
        }),
        [CATALOG_STATES.summarize]: async (input) => {
          const { bucket, resultsPrefix } = input as { bucket: string; resultsPrefix: string };
          const manifestKey = [...objects.keys()].find(
            (key) => key.startsWith(`${bucket}/${resultsPrefix}/`) && key.endsWith("/manifest.json"),
          );
          const manifest = JSON.parse(objects.get(manifestKey as string) as string) as {
            ResultFiles: Record<string, { Key: string }[]>;
          };
          const entries = Object.values(manifest.ResultFiles)
            .flat()
            .flatMap((file) => JSON.parse(objects.get(`${bucket}/${file.Key}`) as string) as unknown[]);
          return summarizeCatalog(childResultsOf(entries));
        },
        ...Object.fromEntries(
          [
            "NotifyCatalogStarted",
            "NotifyCatalogFinished",
            "NotifyCatalogFinishedWithFailures",
            "NotifyCatalogFailed",
          ].map((name) => [
            name,
            async (input: unknown) => {
              notifications.push({ name, input });
              return {};
            },
          ]),
        ),
      },
    },
  );
  return { outcome, objects, started, mostAtOnce, snapshots, notifications };
}

describe("lowering", () => {
  test("the Distributed Map becomes a Task keeping its Catch, ResultPath and Next; nothing else changes", () => {
    const { definition: lowered, maps } = lowerDistributedMaps(definition);
    expect(Object.keys(maps)).toEqual([CATALOG_STATES.harvest]);
    const task = lowered.States[CATALOG_STATES.harvest];
    const map = definition.States[CATALOG_STATES.harvest];
    expect(task).toMatchObject({ Type: "Task", Resource: LOCAL_DISTRIBUTED_MAP });
    if (task?.Type !== "Task" || map?.Type !== "Map") throw new Error("unexpected state types");
    expect([task.Catch, task.ResultPath, task.Next]).toEqual([map.Catch, map.ResultPath, map.Next]);
    expect(task.Parameters).toMatchObject({
      "maxConcurrency.$": "$.catalog.maxConcurrency",
      "toleratedFailurePercentage.$": "$.catalog.toleratedFailurePercentage",
    });
    for (const [name, state] of Object.entries(definition.States)) {
      if (name !== CATALOG_STATES.harvest) expect(lowered.States[name]).toBe(state);
    }
  });
});

describe("a Map Run on this machine", () => {
  test("every item runs once, never more than MaxConcurrency at once, results laid out as Step Functions writes them", async () => {
    const assets = ["a1", "a2", "a3", "a4", "a5", "a6", "a7"];
    const run = await runCatalog({ assets, maxConcurrency: 3, toleratedFailurePercentage: 0 });
    expect(run.outcome.error).toBeUndefined();
    expect([...run.started].sort()).toEqual(assets);
    expect(run.mostAtOnce).toBe(3);
    const manifestKey = [...run.objects.keys()].find((key) => key.endsWith("/manifest.json")) as string;
    expect(manifestKey).toMatch(/^dest\/_state\/results\/[0-9a-f-]{36}\/manifest\.json$/);
    const manifest = JSON.parse(run.objects.get(manifestKey) as string);
    expect(manifest.ResultFiles.FAILED).toEqual([]);
    expect(manifest.ResultFiles.SUCCEEDED).toHaveLength(1);
    const succeeded = JSON.parse(run.objects.get(`dest/${manifest.ResultFiles.SUCCEEDED[0].Key}`) as string);
    expect(succeeded).toHaveLength(7);
    // Input is the item after ItemSelector, as JSON text; Output the startExecution.sync:2 answer.
    expect(JSON.parse(succeeded[0].Input)).toEqual({
      input: assetInput(JSON.parse(succeeded[0].Input).input.harvestRequest.Id),
    });
    expect(succeeded[0].StateMachineArn).toBe(
      `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:vod-harvest-catalog/HarvestCatalog`,
    );
    expect(succeeded[0].ExecutionArn).toMatch(
      new RegExp(
        `^arn:aws:states:us-east-1:${ACCOUNT}:execution:vod-harvest-catalog/HarvestCatalog:[0-9a-f-]{36}$`,
      ),
    );
    expect(JSON.parse(succeeded[0].Output)).toEqual({
      assetId: expect.any(String),
      results: [{ status: "COMPLETE", bytes: 10 }],
    });
    expect(run.outcome.output).toEqual({
      summary: expect.objectContaining({ assets: 7, succeeded: 7, failed: 0, bytes: 70 }),
    });
    const last = run.snapshots.at(-1);
    expect(last?.status).toBe("SUCCEEDED");
    expect(last?.itemCounts).toMatchObject({
      total: 7,
      succeeded: 7,
      pending: 0,
      running: 0,
      resultsWritten: 7,
    });
    expect(last?.mapRunArn).toMatch(
      new RegExp(
        `^arn:aws:states:us-east-1:${ACCOUNT}:mapRun:vod-harvest-catalog/HarvestCatalog:[0-9a-f-]{36}$`,
      ),
    );
  });

  test("a failed asset within the tolerance: the run succeeds and the summary names it", async () => {
    const run = await runCatalog({
      assets: ["a1", "a2", "a3", "a4", "a5"],
      maxConcurrency: 2,
      toleratedFailurePercentage: 20,
      failing: ["a3"],
    });
    expect(run.outcome.error).toBeUndefined();
    expect(run.outcome.output).toEqual({
      summary: expect.objectContaining({ assets: 5, succeeded: 4, failed: 1, failedAssetIds: ["a3"] }),
    });
    expect(run.snapshots.at(-1)?.status).toBe("SUCCEEDED");
    expect(run.notifications.map((n) => (n as { name: string }).name)).toContain(
      "NotifyCatalogFinishedWithFailures",
    );
  });

  test("beyond the tolerance: no more children start, the run fails with the threshold error and the summary still comes", async () => {
    const assets = ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10"];
    const run = await runCatalog({
      assets,
      maxConcurrency: 1,
      toleratedFailurePercentage: 10,
      failing: ["a1", "a2"],
    });
    // One at a time: the second failure (20% > 10%) stops the run before a3 starts.
    expect(run.started).toEqual(["a1", "a2"]);
    expect(run.snapshots.at(-1)).toMatchObject({ status: "FAILED", itemCounts: { failed: 2, pending: 8 } });
    expect(run.outcome.error).toBeUndefined();
    const output = run.outcome.output as {
      summary: { assets: number; succeeded: number; failedAssetIds: string[] };
    };
    expect(output.summary.assets).toBe(10);
    expect(output.summary.succeeded).toBe(0);
    expect(output.summary.failedAssetIds).toEqual(assets);
    const manifestKey = [...run.objects.keys()].find((key) => key.endsWith("/manifest.json")) as string;
    const manifest = JSON.parse(run.objects.get(manifestKey) as string);
    const pending = JSON.parse(run.objects.get(`dest/${manifest.ResultFiles.PENDING[0].Key}`) as string);
    expect(pending.map((entry: { Status: string }) => entry.Status)).toEqual(Array(8).fill("PENDING"));
    const failed = JSON.parse(run.objects.get(`dest/${manifest.ResultFiles.FAILED[0].Key}`) as string);
    expect(failed.map((entry: { Error: string }) => entry.Error)).toEqual([
      "States.TaskFailed",
      "States.TaskFailed",
    ]);
    expect(EXCEED_TOLERATED_FAILURE_THRESHOLD).toBe("States.ExceedToleratedFailureThreshold");
  });

  test("a child that succeeded with an endpoint FAILED counts as a failed item, its results kept for the summary", async () => {
    const run = await runCatalog({
      assets: ["a1", "a2", "a3"],
      maxConcurrency: 3,
      toleratedFailurePercentage: 50,
      endpointFailing: ["a2"],
    });
    expect(run.snapshots.at(-1)).toMatchObject({
      status: "SUCCEEDED",
      itemCounts: { succeeded: 2, failed: 1 },
    });
    expect(run.outcome.output).toEqual({
      summary: expect.objectContaining({
        assets: 3,
        failed: 1,
        failedAssetIds: ["a2"],
        endpoints: { COMPLETE: 2, SKIPPED: 0, FAILED: 1 },
        bytes: 20,
      }),
    });
  });

  test("a child refused with ExecutionLimitExceeded is started again (the processor's Retry)", async () => {
    const run = await runCatalog({
      assets: ["a1", "a2"],
      maxConcurrency: 2,
      toleratedFailurePercentage: 0,
      throttledOnce: ["a2"],
    });
    expect(run.outcome.error).toBeUndefined();
    expect([...run.started].sort()).toEqual(["a1", "a2"]);
    expect(run.outcome.output).toEqual({ summary: expect.objectContaining({ succeeded: 2, failed: 0 }) });
  });
});

describe("failure tolerance, as Step Functions applies it", () => {
  const map: DistributedMapState = {
    Type: "Map",
    ItemReader: {
      Resource: "arn:aws:states:::s3:getObject",
      ReaderConfig: { InputType: "JSONL" },
      Parameters: {},
    },
    ItemProcessor: {
      ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
      StartAt: "Work",
      States: { Work: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } },
    },
    ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: {} },
    End: true,
  };

  /** Ten items, the first `failures` of them fail; one at a time, so the run stops right at its threshold. */
  async function mapRun(failures: number, tolerance: Record<string, number>) {
    const objects = new Map<string, string>();
    const lines = Array.from({ length: 10 }, (_, n) => JSON.stringify({ n })).join("\n");
    const handler = createDistributedMapHandler({
      stateName: "Items",
      map,
      io: {
        readObject: async () => lines,
        writeObject: async (bucket, key, body) => void objects.set(`${bucket}/${key}`, body),
        runTask: async (_resource, input) => {
          if ((input as { n: number }).n < failures) throw namedError("Boom", "fails on purpose");
          return { ok: true };
        },
      },
    });
    const input = {
      mapInput: {},
      executionArn: PARENT,
      reader: { Bucket: "b", Key: "items.jsonl" },
      writer: { Bucket: "b", Prefix: "results" },
      maxConcurrency: 1,
      ...tolerance,
    };
    return handler(input).then(
      () => "SUCCEEDED",
      (error: Error) => error.name,
    );
  }

  test.each([
    [0, {}, "SUCCEEDED"],
    [1, {}, EXCEED_TOLERATED_FAILURE_THRESHOLD],
    [2, { toleratedFailureCount: 2 }, "SUCCEEDED"],
    [3, { toleratedFailureCount: 2 }, EXCEED_TOLERATED_FAILURE_THRESHOLD],
    [2, { toleratedFailurePercentage: 20 }, "SUCCEEDED"],
    [3, { toleratedFailurePercentage: 20 }, EXCEED_TOLERATED_FAILURE_THRESHOLD],
    // Both given: either threshold exceeded fails the run.
    [3, { toleratedFailureCount: 5, toleratedFailurePercentage: 20 }, EXCEED_TOLERATED_FAILURE_THRESHOLD],
    [3, { toleratedFailureCount: 2, toleratedFailurePercentage: 50 }, EXCEED_TOLERATED_FAILURE_THRESHOLD],
    [2, { toleratedFailureCount: 2, toleratedFailurePercentage: 20 }, "SUCCEEDED"],
  ])("%i of 10 failing with %j → %s", async (failures, tolerance, expected) => {
    expect(await mapRun(failures, tolerance)).toBe(expected);
  });
});
