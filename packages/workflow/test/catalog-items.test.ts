// The catalogue's item lists (JSON lines, CSV) and the Distributed Map's result files, as text.
import { describe, expect, test } from "vitest";
import { childResultsOf, itemListInputs } from "../src/catalog-items.js";
import { prepareCatalog } from "../src/catalog-prepare.js";
import { SEED_INPUT } from "./harness.js";

const job = prepareCatalog({
  input: {
    catalogRequest: {
      Source: { ItemsS3Uri: "s3://lists/c.jsonl" },
      DestinationBucket: "dest",
      DestinationPath: "vod",
    },
  },
  executionName: "r",
});
const a = SEED_INPUT.createAssetRequest;
const asset = {
  Id: a.Id,
  PackagingGroupId: a.PackagingGroupId,
  SourceArn: a.SourceArn,
  SourceRoleArn: a.SourceRoleArn,
};
const expected = { createAssetRequest: { ...asset, DestinationBucket: "dest", DestinationPath: "vod" } };

describe("itemListInputs", () => {
  test("JSON lines: assets take the catalogue's destination; whole requests keep theirs; blank lines skipped", () => {
    const own = { createAssetRequest: { ...asset, Id: "other", DestinationBucket: "elsewhere" } };
    const text = `${JSON.stringify(asset)}\n\n${JSON.stringify(own)}\r\n`;
    expect(itemListInputs(text, "jsonl", job)).toEqual([expected, own]);
  });

  test("a whole request's own destination is held to the deployment's prefix, naming the line", () => {
    const own = JSON.stringify({
      createAssetRequest: { ...asset, DestinationBucket: "dest", DestinationPath: "other" },
    });
    expect(() =>
      itemListInputs(`${JSON.stringify(asset)}\n${own}`, "jsonl", job, { destinationPrefix: "vod/" }),
    ).toThrow(
      /^catalogRequest\.Source\.ItemsS3Uri: line 2: createAssetRequest\.DestinationPath: must be under 'vod\/'/,
    );
  });

  test("CSV with a header row, columns in any order", () => {
    const text = `SourceRoleArn,Id,SourceArn,PackagingGroupId\n${a.SourceRoleArn},${a.Id},${a.SourceArn},${a.PackagingGroupId}\n`;
    expect(itemListInputs(text, "csv", job)).toEqual([expected]);
  });

  test.each([
    ["jsonl", `${JSON.stringify(asset)}\n{not json`, /line 2: is not JSON/],
    ["jsonl", "[1]", /line 1: is not a JSON object/],
    ["jsonl", JSON.stringify({ ...asset, SourceArn: "x" }), /line 1: createAssetRequest\.SourceArn: /],
    ["jsonl", JSON.stringify({ createAssetRequest: { Id: "x" } }), /line 1: createAssetRequest\./],
    ["csv", "Id,SourceArn\nx,y", /line 1: the header lacks PackagingGroupId, SourceRoleArn/],
    ["csv", `Id,PackagingGroupId,SourceArn,SourceRoleArn\n"a",b,c,d`, /line 2: quoted CSV fields/],
    ["csv", `Id,PackagingGroupId,SourceArn,SourceRoleArn\na,b,c`, /line 2: has 3 fields, the header 4/],
  ] as const)("%s %j → InvalidRequest naming the line", (format, text, message) => {
    expect(() => itemListInputs(text, format, job)).toThrow(message);
  });
});

describe("childResultsOf", () => {
  const results = [
    { packagingConfigurationId: "hls", status: "COMPLETE", entry: "s3://d/x", objects: 1, bytes: 9 },
  ];
  test("inputs and outputs as JSON text (as the result files hold them), or already parsed", () => {
    const entries = [
      {
        Status: "SUCCEEDED",
        Input: JSON.stringify({ input: expected }),
        Output: JSON.stringify({ assetId: a.Id, results }),
      },
      {
        Status: "FAILED",
        Input: JSON.stringify({ input: { harvestRequest: { Id: "show-3" } } }),
        Error: "AssetHarvestFailed",
        Cause: JSON.stringify([{ ...results[0], status: "FAILED" }]),
      },
      {
        Status: "FAILED",
        Input: { input: { harvestRequest: { Id: "show-2" } } },
        Error: "States.TaskFailed",
      },
      { Status: "SOMETHING", Input: "not json" },
    ];
    expect(childResultsOf(entries)).toEqual([
      { status: "SUCCEEDED", assetId: a.Id, results },
      { status: "FAILED", assetId: "show-3", results: [{ ...results[0], status: "FAILED" }] },
      { status: "FAILED", assetId: "show-2" },
      { status: "FAILED", assetId: "(unknown)" },
    ]);
  });
});
