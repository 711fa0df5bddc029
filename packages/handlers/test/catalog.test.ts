// The catalogue's Lambdas against moto's S3: the item list written from ListAssets pages or from the user's list,
// and the summary read back from result files laid out as a Map Run writes them.
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { skipWithoutMoto } from "@vod-harvest/testing/moto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  createPrepareCatalogHandler,
  createSummarizeCatalogHandler,
  type ListAssets,
} from "../src/catalog.js";
import { type Aws, createBucket, fakeContext, startAws, testObservability } from "./support.js";

const BUCKET = "catalog-dest";
const ROLE = "arn:aws:iam::111122223333:role/MediaPackage_Default_Role";
const assetNo = (n: number) => ({
  Id: `asset-${n}`,
  PackagingGroupId: "pg-1",
  SourceArn: `arn:aws:s3:::sources/${n}/index.m3u8`,
  SourceRoleArn: ROLE,
});

describe.skipIf(skipWithoutMoto("packages/handlers catalogue tests"))("catalogue Lambdas", () => {
  let aws: Aws;
  beforeAll(async () => {
    aws = await startAws();
    await createBucket(aws, BUCKET);
  }, 60_000);
  afterAll(async () => {
    await aws?.moto.stop();
  });

  const text = async (key: string) =>
    (await (
      await aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
    ).Body?.transformToString()) ?? "";

  test("a packaging group: every page of ListAssets becomes one line of the item list", async () => {
    const calls: unknown[] = [];
    // Three pages of 2, 2 and 1 assets, as MediaPackage pages them with NextToken.
    const listAssets: ListAssets = async (input) => {
      calls.push(input);
      const page = Number(input.NextToken ?? "0");
      const assets = [1, 2, 3, 4, 5].slice(page * 2, page * 2 + 2).map(assetNo);
      return { Assets: assets, ...(page < 2 ? { NextToken: String(page + 1) } : {}) };
    };
    const handler = createPrepareCatalogHandler({ ...testObservability(), s3: aws.s3, listAssets });
    const input = {
      catalogRequest: {
        Source: { PackagingGroupId: "pg-1" },
        DestinationBucket: BUCKET,
        DestinationPath: "vod",
      },
      options: { PackagingConfigurationIds: ["hls"] },
    };
    const out = await handler({ input, executionName: "run-1" }, fakeContext(30_000));
    expect(out).toMatchObject({ count: 5, itemsKey: "_vod-harvest-state/catalog/run-1/items.jsonl" });
    expect(calls).toEqual([
      { PackagingGroupId: "pg-1" },
      { PackagingGroupId: "pg-1", NextToken: "1" },
      { PackagingGroupId: "pg-1", NextToken: "2" },
    ]);
    const lines = (await text(out.itemsKey))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.createAssetRequest.Id)).toEqual([
      "asset-1",
      "asset-2",
      "asset-3",
      "asset-4",
      "asset-5",
    ]);
    expect(lines[0]).toEqual({
      createAssetRequest: { ...assetNo(1), DestinationBucket: BUCKET, DestinationPath: "vod" },
      options: { Overwrite: false, DeleteAssetAfterHarvest: false, PackagingConfigurationIds: ["hls"] },
    });
  });

  test.each([
    ["items.jsonl", `${JSON.stringify(assetNo(7))}\n${JSON.stringify(assetNo(8))}\n`],
    [
      "items.csv",
      `Id,PackagingGroupId,SourceArn,SourceRoleArn\n${Object.values(assetNo(7)).join(",")}\n${Object.values(assetNo(8)).join(",")}\n`,
    ],
  ])("an item list %s in S3 becomes the item list", async (name, body) => {
    await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `lists/${name}`, Body: body }));
    const noList: ListAssets = async () => {
      throw new Error("ListAssets must not be called for an item list");
    };
    const handler = createPrepareCatalogHandler({ ...testObservability(), s3: aws.s3, listAssets: noList });
    const input = {
      catalogRequest: { Source: { ItemsS3Uri: `s3://${BUCKET}/lists/${name}` }, DestinationBucket: BUCKET },
    };
    const out = await handler({ input, executionName: `run-${name}` }, fakeContext(30_000));
    expect(out.count).toBe(2);
    expect((await text(out.itemsKey)).trimEnd().split("\n")).toHaveLength(2);
  });

  test("an empty packaging group is refused: InvalidRequest, no item list written", async () => {
    const handler = createPrepareCatalogHandler({
      ...testObservability(),
      s3: aws.s3,
      listAssets: async () => ({ Assets: [] }),
    });
    const input = { catalogRequest: { Source: { PackagingGroupId: "empty" }, DestinationBucket: BUCKET } };
    await expect(handler({ input, executionName: "run-empty" }, fakeContext(30_000))).rejects.toMatchObject({
      name: "InvalidRequest",
      message: "catalogRequest.Source: lists no asset",
    });
  });

  test("the summary reads the Map Run's manifest and result files", async () => {
    const prefix = "_vod-harvest-state/catalog/run-9/results";
    const run = `${prefix}/4977ded7-b097-3bee-81e1-7863c5660f29`;
    const results = [
      {
        packagingConfigurationId: "hls",
        status: "COMPLETE",
        entry: "s3://d/a/hls/i.m3u8",
        objects: 3,
        bytes: 300,
      },
    ];
    const succeeded = [1, 2].map((n) => ({
      Status: "SUCCEEDED",
      Input: JSON.stringify({ input: { createAssetRequest: assetNo(n) } }),
      Output: JSON.stringify({ assetId: `asset-${n}`, results }),
    }));
    const failed = [
      {
        Status: "FAILED",
        Input: JSON.stringify({ input: { createAssetRequest: assetNo(3) } }),
        Error: "HarvestFailed",
      },
    ];
    const put = (key: string, value: unknown) =>
      aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(value) }));
    await put(`${run}/SUCCEEDED_0.json`, succeeded);
    await put(`${run}/FAILED_0.json`, failed);
    await put(`${run}/manifest.json`, {
      DestinationBucket: BUCKET,
      ResultFiles: {
        FAILED: [{ Key: `${run}/FAILED_0.json`, Size: 1 }],
        PENDING: [],
        SUCCEEDED: [{ Key: `${run}/SUCCEEDED_0.json`, Size: 1 }],
      },
    });
    const handler = createSummarizeCatalogHandler({ ...testObservability(), s3: aws.s3 });
    expect(await handler({ bucket: BUCKET, resultsPrefix: prefix }, fakeContext(30_000))).toEqual({
      assets: 3,
      succeeded: 2,
      failed: 1,
      endpoints: { COMPLETE: 2, SKIPPED: 0, FAILED: 0 },
      bytes: 600,
      failedAssetIds: ["asset-3"],
      report: `s3://${BUCKET}/${run}/manifest.json`,
    });
  });
});
