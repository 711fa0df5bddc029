// The catalogue workflow (issue 13, first part): its definition, input and pure steps. Wiring into infra, the
// local stack and the command line comes next; these hold what those will build on.
import validator from "asl-validator";
import { describe, expect, test } from "vitest";
import { buildCatalogStateMachine, CATALOG_STATES } from "../src/catalog-definition.js";
import {
  type ChildResult,
  catalogItemInput,
  prepareCatalog,
  summarizeCatalog,
} from "../src/catalog-prepare.js";
import { successors } from "../src/history.js";
import { listStates } from "../src/inspect.js";
import { ACCOUNT, SEED_INPUT, TOPIC_ARN } from "./harness.js";

const CHILD = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:vod-harvest`;
const definition = buildCatalogStateMachine({
  lambdaArns: {
    "prepare-catalog": `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vod-harvest-prepare-catalog`,
    "summarize-catalog": `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vod-harvest-summarize-catalog`,
  },
  childStateMachineArn: CHILD,
  topicArn: TOPIC_ARN,
});

describe("catalogue definition", () => {
  test("asl-validator accepts it", () => {
    const result = validator(structuredClone(definition) as never, { checkArn: true, checkPaths: true });
    expect(result.errorsText("\n")).toBe("");
    expect(result.isValid).toBe(true);
  });

  test("every transition names a state of its own machine, and every Task retries", () => {
    for (const { state, machine } of listStates(definition)) {
      for (const next of successors(state)) expect(Object.keys(machine.States)).toContain(next);
      if (state.Type === "Task") expect(state.Retry?.length ?? 0).toBeGreaterThan(0);
    }
  });

  test("a Distributed Map reads the item list from S3 and starts the per-asset state machine once per item", () => {
    const map = definition.States[CATALOG_STATES.harvest];
    expect(map).toMatchObject({
      Type: "Map",
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: "JSONL" },
        Parameters: { "Bucket.$": "$.catalog.bucket", "Key.$": "$.catalog.itemsKey" },
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
        States: {
          [CATALOG_STATES.harvestAsset]: {
            Resource: "arn:aws:states:::states:startExecution.sync:2",
            Parameters: { StateMachineArn: CHILD, "Input.$": "$.input" },
          },
        },
      },
      MaxConcurrencyPath: "$.catalog.maxConcurrency",
      ToleratedFailurePercentagePath: "$.catalog.toleratedFailurePercentage",
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject" },
    });
    // More failures than tolerated still ends in the summary (which names them), not in a bare failure.
    expect(map && "Catch" in map ? map.Catch?.[0] : undefined).toMatchObject({
      ErrorEquals: ["States.ExceedToleratedFailureThreshold"],
      Next: CATALOG_STATES.summarize,
    });
  });
});

const group = { catalogRequest: { Source: { PackagingGroupId: "pg-1" }, DestinationBucket: "dest" } };

describe("prepareCatalog", () => {
  test("a packaging group, with the defaults: 20 at once, no failure tolerated; state under the state prefix", () => {
    expect(prepareCatalog({ input: group, executionName: "run-1" })).toEqual({
      source: { kind: "packaging-group", packagingGroupId: "pg-1" },
      destination: { bucket: "dest", prefix: "" },
      options: undefined,
      maxConcurrency: 20,
      toleratedFailurePercentage: 0,
      bucket: "dest",
      itemsKey: "_vod-harvest-state/catalog/run-1/items.jsonl",
      resultsPrefix: "_vod-harvest-state/catalog/run-1/results",
    });
  });

  test.each([
    ["the input's MaxConcurrency wins", { MaxConcurrency: 7 }, { defaultMaxConcurrency: 50 }, 7],
    ["else the deployment's default", {}, { defaultMaxConcurrency: 50 }, 50],
    ["else 20", {}, {}, 20],
  ])("MaxConcurrency: %s", (_what, extra, rules, expected) => {
    const input = { catalogRequest: { ...group.catalogRequest, ...extra } };
    expect(prepareCatalog({ input, executionName: "r" }, rules).maxConcurrency).toBe(expected);
  });

  test.each([
    [
      "s3://lists/2026/catalog.jsonl",
      { kind: "items", bucket: "lists", key: "2026/catalog.jsonl", format: "jsonl" },
    ],
    ["s3://lists/catalog.csv", { kind: "items", bucket: "lists", key: "catalog.csv", format: "csv" }],
  ])("an item list %s", (uri, source) => {
    const input = {
      catalogRequest: {
        Source: { ItemsS3Uri: uri },
        DestinationBucket: "dest",
        DestinationPath: "vod-downloads",
        MaxConcurrency: 5,
        ToleratedFailurePercentage: 10,
      },
      options: { PackagingConfigurationIds: ["hls"] },
    };
    expect(prepareCatalog({ input, executionName: "r" })).toMatchObject({
      source,
      destination: { bucket: "dest", prefix: "vod-downloads/" },
      maxConcurrency: 5,
      toleratedFailurePercentage: 10,
    });
  });

  test.each([
    [{}, "catalogRequest"],
    [{ catalogRequest: { ...group.catalogRequest, Source: {} } }, "catalogRequest.Source"],
    [
      { catalogRequest: { ...group.catalogRequest, Source: { ItemsS3Uri: "https://x/y.jsonl" } } },
      "catalogRequest.Source.ItemsS3Uri",
    ],
    [{ catalogRequest: { ...group.catalogRequest, MaxConcurrency: 0 } }, "catalogRequest.MaxConcurrency"],
    [
      { catalogRequest: { ...group.catalogRequest, ToleratedFailurePercentage: 101 } },
      "catalogRequest.ToleratedFailurePercentage",
    ],
    [
      { catalogRequest: { ...group.catalogRequest, DestinationBucket: "Bad_Bucket" } },
      "catalogRequest.DestinationBucket",
    ],
    [{ ...group, options: { Overwrite: "yes" } }, "options.Overwrite"],
  ])("%j → InvalidRequest on %s", (input, field) => {
    expect(() => prepareCatalog({ input, executionName: "r" })).toThrow(
      expect.objectContaining({ name: "InvalidRequest", field }),
    );
  });

  test.each([
    [
      "other",
      "vod/",
      "must be under 'vod/': this deployment writes only there (the catalogue would go to 'other/')",
    ],
    ["_vod-harvest-state", "", "must not lead under _vod-harvest-state/"],
  ])(
    "DestinationPath %j with destinationPrefix %j is refused, as the per-asset prepare refuses it",
    (path, prefix, problem) => {
      const input = { catalogRequest: { ...group.catalogRequest, DestinationPath: path } };
      expect(() => prepareCatalog({ input, executionName: "r" }, { destinationPrefix: prefix })).toThrow(
        expect.objectContaining({
          field: "catalogRequest.DestinationPath",
          message: expect.stringContaining(problem),
        }),
      );
    },
  );
});

describe("catalogItemInput", () => {
  const job = prepareCatalog({
    input: {
      ...group,
      catalogRequest: { ...group.catalogRequest, DestinationPath: "vod" },
      options: { Overwrite: false },
    },
    executionName: "r",
  });
  const asset = SEED_INPUT.createAssetRequest;

  test("an asset becomes the per-asset workflow's input, destination and options from the catalogue", () => {
    expect(catalogItemInput(asset, job, "asset 1")).toEqual({
      createAssetRequest: {
        Id: asset.Id,
        PackagingGroupId: asset.PackagingGroupId,
        SourceArn: asset.SourceArn,
        SourceRoleArn: asset.SourceRoleArn,
        DestinationBucket: "dest",
        DestinationPath: "vod",
      },
      options: { Overwrite: false, DeleteAssetAfterHarvest: false },
    });
  });

  test("an item the per-asset workflow would refuse is refused here, naming the item and its field", () => {
    expect(() => catalogItemInput({ ...asset, SourceArn: "not-an-arn" }, job, "items line 7")).toThrow(
      /^catalogRequest\.Source: items line 7: createAssetRequest\.SourceArn: /,
    );
  });
});

describe("summarizeCatalog", () => {
  const endpoint = (status: "COMPLETE" | "SKIPPED" | "FAILED", bytes: number) => ({
    packagingConfigurationId: "hls",
    status,
    entry: status === "FAILED" ? null : "s3://dest/x/index.m3u8",
    objects: 1,
    bytes,
  });
  test.each<[string, ChildResult[], object]>([
    ["nothing", [], { assets: 0, succeeded: 0, failed: 0, bytes: 0, failedAssetIds: [] }],
    [
      "complete, skipped, an endpoint FAILED, an execution FAILED",
      [
        { status: "SUCCEEDED", assetId: "a", results: [endpoint("COMPLETE", 100), endpoint("SKIPPED", 50)] },
        { status: "SUCCEEDED", assetId: "b", results: [endpoint("FAILED", 7)] },
        { status: "FAILED", assetId: "c" },
      ],
      {
        assets: 3,
        succeeded: 1,
        failed: 2,
        endpoints: { COMPLETE: 1, SKIPPED: 1, FAILED: 1 },
        bytes: 150,
        failedAssetIds: ["b", "c"],
      },
    ],
  ])("%s", (_name, children, summary) => {
    expect(summarizeCatalog(children)).toMatchObject(summary);
  });
});
