// The harvest Lambda's checksum journal files: naming and parsing (the S3 round trip runs in handlers.test.ts).
import { describe, expect, test } from "vitest";
import { parseProgressFile, progressFileName, progressPrefixOf } from "../src/progress-store.js";

const CRC = "mnG7TA==";
const WHERE = "s3://b/_vod-harvest-state/a/hls/run.progress/000001-r.json";

describe("progress journal files", () => {
  test.each([
    ["_vod-harvest-state/a/hls/run-1.json", "_vod-harvest-state/a/hls/run-1.progress/"],
    ["_vod-harvest-state/a/hls/x.json", "_vod-harvest-state/a/hls/x.progress/"],
  ])("plan %s keeps its journal under %s", (planKey, prefix) => {
    expect(progressPrefixOf(planKey)).toBe(prefix);
  });

  test.each([
    [1, "req-1", "000001-req-1.json"],
    [42, "b7c2", "000042-b7c2.json"],
    [123456, "r", "123456-r.json"],
  ])("invocation %i, request %s → %s", (invocation, requestId, name) => {
    expect(progressFileName(invocation, requestId)).toBe(name);
  });

  test("names sort in invocation order (a later file wins when merging)", () => {
    const names = [progressFileName(10, "a"), progressFileName(9, "z"), progressFileName(100, "b")];
    expect(names.sort()).toEqual(["000009-z.json", "000010-a.json", "000100-b.json"]);
  });

  test("a well-formed file is read as stored", () => {
    const entries = [
      { key: "low/seg-0.ts", size: 1000, checksum: CRC },
      { key: "index.m3u8", size: 0, checksum: "AAAAAA==" },
    ];
    expect(
      parseProgressFile(JSON.stringify({ format: "vod-harvest-progress", version: 2, entries }), WHERE),
    ).toEqual({ format: "vod-harvest-progress", version: 2, entries });
  });

  test("a version 1 file (sha256 entries, before CRC32C) vouches for nothing: read as no entries", () => {
    const entries = [{ key: "low/seg-0.ts", size: 1000, sha256: "a".repeat(64) }];
    expect(
      parseProgressFile(JSON.stringify({ format: "vod-harvest-progress", version: 1, entries }), WHERE),
    ).toEqual({ format: "vod-harvest-progress", version: 2, entries: [] });
  });

  const entry = { key: "low/seg-0.ts", size: 1000, checksum: CRC };
  test.each([
    ["not JSON", "{", "is not JSON"],
    ["another format", JSON.stringify({ format: "x", version: 1, entries: [] }), "is not a harvest progress"],
    [
      "another version",
      JSON.stringify({ format: "vod-harvest-progress", version: 3, entries: [] }),
      "is not a",
    ],
    ["entries missing", JSON.stringify({ format: "vod-harvest-progress", version: 2 }), "is not a"],
    [
      "negative size",
      JSON.stringify({ format: "vod-harvest-progress", version: 2, entries: [{ ...entry, size: -1 }] }),
      "is not a",
    ],
    [
      "fractional size",
      JSON.stringify({ format: "vod-harvest-progress", version: 2, entries: [{ ...entry, size: 1.5 }] }),
      "is not a",
    ],
    [
      "short checksum",
      JSON.stringify({ format: "vod-harvest-progress", version: 2, entries: [{ ...entry, checksum: "ab" }] }),
      "is not a",
    ],
    [
      "a hex checksum",
      JSON.stringify({
        format: "vod-harvest-progress",
        version: 2,
        entries: [{ ...entry, checksum: "9a71bb4c" }],
      }),
      "is not a",
    ],
    [
      "key not a string",
      JSON.stringify({ format: "vod-harvest-progress", version: 2, entries: [{ ...entry, key: 1 }] }),
      "is not a",
    ],
  ])("%s → HarvestStateInvalid naming the file", (_name, text, message) => {
    expect(() => parseProgressFile(text, WHERE)).toThrow(
      expect.objectContaining({
        name: "HarvestStateInvalid",
        message: expect.stringContaining(`${WHERE} ${message}`),
      }),
    );
  });
});
