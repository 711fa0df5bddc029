import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createDirectorySink } from "@vod-harvest/s3-sink";
import { describe, expect, test } from "vitest";
import { COMPLETION_RECORD_KEY, harvest, InvalidRecordError, parseRecord } from "../src/index.js";
import { ASSET_PREFIX, originAndDirPerTest } from "./support.js";

const base = {
  format: "vod-harvest-completion",
  entry: "index.m3u8",
  source: "http://origin/vod/asset/index.m3u8",
  completedAt: "2026-11-01T00:00:00.000Z",
  objects: 1,
  bytes: 5,
};
const v2 = {
  ...base,
  version: 2,
  checksumAlgorithm: "CRC32C",
  files: [{ key: "a.ts", size: 5, checksum: "mnG7TA==" }],
};
const v1 = { ...base, version: 1, files: [{ key: "a.ts", size: 5, sha256: "a".repeat(64) }] };

describe("parseRecord", () => {
  test.each([
    ["version 2 (CRC32C per file)", v2],
    ["version 1 (sha256 per file, copies made before CRC32C)", v1],
  ])("reads %s", (_what, record) => {
    expect(parseRecord(JSON.stringify(record))).toEqual(record);
  });

  test.each([
    ["not JSON", "{", /not JSON/],
    ["another format", JSON.stringify({ ...v2, format: "other" }), /not a vod-harvest completion record/],
    ["version 3", JSON.stringify({ ...v2, version: 3 }), /version 3 is not 1 or 2/],
    [
      "another algorithm",
      JSON.stringify({ ...v2, checksumAlgorithm: "CRC64NVME" }),
      /"CRC64NVME" is not CRC32C/,
    ],
    [
      "a v2 file with a sha256",
      JSON.stringify({ ...v2, files: v1.files }),
      /files\[0\] is not \{key, size, checksum\}/,
    ],
    [
      "a v1 file with a CRC32C",
      JSON.stringify({ ...v1, files: v2.files }),
      /files\[0\] is not \{key, size, sha256\}/,
    ],
    [
      "a malformed checksum",
      JSON.stringify({ ...v2, files: [{ key: "a.ts", size: 5, checksum: "e3069283" }] }),
      /files\[0\]/,
    ],
  ])("refuses %s", (_what, text, message) => {
    expect(() => parseRecord(text)).toThrow(InvalidRecordError);
    expect(() => parseRecord(text)).toThrow(message);
  });
});

describe("a copy completed under a version 1 record", () => {
  const context = originAndDirPerTest();

  test("still reads as complete: SKIPPED, nothing fetched", async () => {
    const entryUrl = context.origin.urlOf(`${ASSET_PREFIX}index.m3u8`);
    const record = { ...v1, source: entryUrl, objects: 7, bytes: 1234 };
    await writeFile(join(context.dir.path, COMPLETION_RECORD_KEY), JSON.stringify(record));
    const result = await harvest({ entryUrl }, createDirectorySink(context.dir.path));
    expect(result).toMatchObject({ status: "SKIPPED", objects: 7, bytes: 1234 });
    expect(context.origin.requests).toEqual([]);
  });
});
