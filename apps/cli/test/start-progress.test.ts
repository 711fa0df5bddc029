/**
 * How `vod-harvest start --follow` reads an execution history. The events are written by hand in the shapes
 * Step Functions records for this state machine (Lambdas invoked by function ARN, sns:publish integration), with
 * the interleaving a Map of concurrent endpoints produces.
 */
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { describe, expect, test } from "vitest";
import { HistoryReader, resultsOf, resultTable, succeeded } from "../src/commands/start-progress.js";

const at = new Date(0);
const HARVEST = "arn:aws:lambda:eu-west-1:111122223333:function:vod-harvest-harvest";

function publish(id: number, message: object): HistoryEvent {
  return {
    id,
    previousEventId: id - 1,
    timestamp: at,
    type: "TaskScheduled",
    taskScheduledEventDetails: {
      resourceType: "sns",
      resource: "publish",
      region: "eu-west-1",
      parameters: JSON.stringify({
        TopicArn: "arn:aws:sns:eu-west-1:111122223333:t",
        Message: JSON.stringify(message),
      }),
    },
  };
}

/** Two endpoints harvested at once: hls's events and dash's interleave; only previousEventId pairs them. */
const INTERLEAVED: HistoryEvent[] = [
  {
    id: 1,
    previousEventId: 0,
    timestamp: at,
    type: "ExecutionStarted",
    executionStartedEventDetails: { input: "{}" },
  },
  publish(2, {
    Type: "NOTIFICATION",
    Event: "HarvestStarted",
    AssetId: "asset-1",
    Destination: "s3://b/p/asset-1/",
  }),
  {
    id: 3,
    previousEventId: 2,
    timestamp: at,
    type: "LambdaFunctionSucceeded",
    lambdaFunctionSucceededEventDetails: {
      output: JSON.stringify({
        endpoints: [{ packagingConfigurationId: "hls" }, { packagingConfigurationId: "dash" }],
        cdnIdentifierSecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:cdn",
      }),
    },
  },
  {
    id: 4,
    previousEventId: 3,
    timestamp: at,
    type: "LambdaFunctionScheduled",
    lambdaFunctionScheduledEventDetails: {
      resource: HARVEST,
      input: JSON.stringify({ packagingConfigurationId: "hls" }),
    },
  },
  {
    id: 5,
    previousEventId: 3,
    timestamp: at,
    type: "LambdaFunctionScheduled",
    lambdaFunctionScheduledEventDetails: {
      resource: HARVEST,
      input: JSON.stringify({ packagingConfigurationId: "dash" }),
    },
  },
  { id: 6, previousEventId: 5, timestamp: at, type: "LambdaFunctionStarted" },
  { id: 7, previousEventId: 4, timestamp: at, type: "LambdaFunctionStarted" },
  {
    id: 8,
    previousEventId: 6,
    timestamp: at,
    type: "LambdaFunctionSucceeded",
    lambdaFunctionSucceededEventDetails: {
      output: JSON.stringify({ done: false, objectsDone: 10, objectsTotal: 40, bytesDone: 2048 }),
    },
  },
  {
    id: 9,
    previousEventId: 7,
    timestamp: at,
    type: "LambdaFunctionFailed",
    lambdaFunctionFailedEventDetails: { error: "HarvestFailed", cause: "2 of 9 objects failed" },
  },
  publish(10, {
    Type: "ERROR",
    Event: "EndpointFailed",
    PackagingConfigurationId: "hls",
    Error: "HarvestFailed",
    Cause: "2 of 9 objects failed",
  }),
  publish(11, {
    Type: "NOTIFICATION",
    Event: "EndpointSkipped",
    PackagingConfigurationId: "mss",
    Objects: 7,
    Bytes: 1536,
  }),
  publish(12, {
    Type: "NOTIFICATION",
    Event: "EndpointComplete",
    PackagingConfigurationId: "dash",
    Objects: 40,
    Bytes: 1048576,
  }),
  {
    id: 13,
    previousEventId: 12,
    timestamp: at,
    type: "ExecutionFailed",
    executionFailedEventDetails: { error: "States.Timeout", cause: "execution timed out" },
  },
];

describe("HistoryReader", () => {
  test("turns an interleaved history into one line per thing that happened, each endpoint named right", () => {
    const reader = new HistoryReader();
    expect(INTERLEAVED.flatMap((event) => reader.read(event))).toEqual([
      "  asset asset-1 → s3://b/p/asset-1/",
      "  endpoints: hls, dash (CDN authorization)",
      // Event 8 follows Started 6, which follows Scheduled 5: dash's invocation, although hls was scheduled first.
      "  dash: 10/40 objects, 2.0 KiB (continuing)",
      "  hls: FAILED, HarvestFailed: 2 of 9 objects failed",
      "  mss: SKIPPED, a complete copy is already there (7 objects, 1.5 KiB)",
      "  dash: COMPLETE, 40 objects, 1.0 MiB",
      "  execution failed: States.Timeout: execution timed out",
    ]);
  });

  test.each([
    [
      "a Lambda failure outside any endpoint",
      { error: "InvalidRequest", cause: "createAssetRequest.Id: required" },
    ],
  ])("reports %s", (_, details) => {
    const reader = new HistoryReader();
    const events: HistoryEvent[] = [
      {
        id: 1,
        previousEventId: 0,
        timestamp: at,
        type: "LambdaFunctionScheduled",
        lambdaFunctionScheduledEventDetails: { resource: "arn:x", input: JSON.stringify({ input: {} }) },
      },
      { id: 2, previousEventId: 1, timestamp: at, type: "LambdaFunctionStarted" },
      {
        id: 3,
        previousEventId: 2,
        timestamp: at,
        type: "LambdaFunctionFailed",
        lambdaFunctionFailedEventDetails: details,
      },
    ];
    expect(events.flatMap((event) => reader.read(event))).toEqual([
      "  failed: InvalidRequest: createAssetRequest.Id: required",
    ]);
  });

  test.each([
    ["a publish whose Message is not JSON", publish(1, {}), []],
    [
      "an aws-sdk Task",
      {
        id: 1,
        timestamp: at,
        type: "TaskScheduled",
        taskScheduledEventDetails: {
          resourceType: "aws-sdk:mediapackagevod",
          resource: "describeAsset",
          region: "r",
          parameters: "{}",
        },
      },
      [],
    ],
    [
      "a state entered",
      { id: 1, timestamp: at, type: "TaskStateEntered", stateEnteredEventDetails: { name: "Prepare" } },
      [],
    ],
    [
      "a Lambda result without a recorded input",
      {
        id: 1,
        previousEventId: 99,
        timestamp: at,
        type: "LambdaFunctionSucceeded",
        lambdaFunctionSucceededEventDetails: { output: '{"objectsTotal":1}' },
      },
      [],
    ],
  ] as Array<[string, HistoryEvent, string[]]>)("prints nothing for %s", (_, event, lines) => {
    expect(new HistoryReader().read(event)).toEqual(lines);
  });
});

const OUTPUT = JSON.stringify({
  assetId: "asset-1",
  results: [
    {
      packagingConfigurationId: "hls",
      status: "COMPLETE",
      entry: "s3://b/p/asset-1/hls/index.m3u8",
      objects: 14,
      bytes: 520150,
    },
    {
      packagingConfigurationId: "mss",
      status: "SKIPPED",
      entry: "s3://b/p/asset-1/mss/Manifest",
      objects: 7,
      bytes: 1024,
    },
  ],
});

describe("results", () => {
  test("resultsOf reads DESIGN.md's output and resultTable lines it up", () => {
    const results = resultsOf(OUTPUT);
    expect(results?.map((result) => result.status)).toEqual(["COMPLETE", "SKIPPED"]);
    expect(resultTable(results ?? [])).toBe(
      [
        "configuration  status    objects  bytes      entry",
        "hls            COMPLETE  14       508.0 KiB  s3://b/p/asset-1/hls/index.m3u8",
        "mss            SKIPPED   7        1.0 KiB    s3://b/p/asset-1/mss/Manifest",
      ].join("\n"),
    );
  });

  const withStatus = (...statuses: string[]) =>
    resultsOf(
      JSON.stringify({ results: statuses.map((status) => ({ packagingConfigurationId: "x", status })) }),
    );

  test.each([
    ["SUCCEEDED, all COMPLETE or SKIPPED", "SUCCEEDED", withStatus("COMPLETE", "SKIPPED"), true],
    ["SUCCEEDED with one FAILED endpoint", "SUCCEEDED", withStatus("COMPLETE", "FAILED"), false],
    ["SUCCEEDED with no results", "SUCCEEDED", withStatus(), false],
    ["SUCCEEDED with an output of another shape", "SUCCEEDED", resultsOf('{"foo":1}'), false],
    ["FAILED", "FAILED", undefined, false],
    ["TIMED_OUT", "TIMED_OUT", undefined, false],
  ])("succeeded: %s → %s", (_, status, results, expected) => {
    expect(succeeded(status, results)).toBe(expected);
  });
});
