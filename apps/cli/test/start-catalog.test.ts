// The catalogue follower's pure parts: the Map Run's item counts as one progress line, the summary as lines.
import { describe, expect, test } from "vitest";
import {
  assetCountsOf,
  assetProgressLine,
  catalogSummaryLines,
  summaryOf,
} from "../src/commands/start-catalog.js";

describe("catalogue progress", () => {
  test.each([
    [{ total: 24, succeeded: 0, running: 0, pending: 24 }, "assets 0/24, 0 harvested, 0 running"],
    [{ total: 24, succeeded: 10, running: 8, pending: 6 }, "assets 10/24, 10 harvested, 8 running"],
    // Timed out and aborted children count as failed assets.
    [
      { total: 24, succeeded: 20, failed: 1, timedOut: 1, aborted: 1, running: 1 },
      "assets 23/24, 20 harvested, 3 failed, 1 running",
    ],
  ])("%j → %s", (counts, line) => {
    // (DescribeMapRun answers every count; these rows give the ones that matter)
    const assetCounts = assetCountsOf(counts as Parameters<typeof assetCountsOf>[0]);
    expect(assetCounts).toBeDefined();
    expect(assetProgressLine(assetCounts as NonNullable<typeof assetCounts>)).toBe(line);
  });

  test("no Map Run yet: no counts", () => {
    expect(assetCountsOf(undefined)).toBeUndefined();
  });
});

describe("catalogue summary", () => {
  test("counts, endpoints, bytes, failed assets (the first 20) and the report", () => {
    const failedAssetIds = Array.from({ length: 22 }, (_, index) => `a${index + 1}`);
    const lines = catalogSummaryLines({
      assets: 100,
      succeeded: 78,
      failed: 22,
      endpoints: { COMPLETE: 300, SKIPPED: 10, FAILED: 25 },
      bytes: 3 * 1024 * 1024,
      failedAssetIds,
      report: "s3://dest/_vod-harvest-state/catalog/run/results/id/manifest.json",
    });
    expect(lines[0]).toBe(
      "100 assets: 78 harvested, 22 failed; endpoints 300 COMPLETE, 10 SKIPPED, 25 FAILED; 3.0 MiB in the copies",
    );
    expect(lines[1]).toBe(`failed assets: ${failedAssetIds.slice(0, 20).join(", ")} … and 2 more`);
    expect(lines[2]).toBe("report: s3://dest/_vod-harvest-state/catalog/run/results/id/manifest.json");
  });

  test("the summary is read from the execution output; anything else is none", () => {
    expect(summaryOf('{"summary":{"assets":1}}')).toEqual({ assets: 1 });
    expect(summaryOf("not json")).toBeUndefined();
    expect(summaryOf('{"assetId":"x"}')).toBeUndefined();
    expect(summaryOf(undefined)).toBeUndefined();
  });
});
