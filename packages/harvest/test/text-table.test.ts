import { expect, test } from "vitest";
import { formatTable } from "../src/text-table.js";

test.each([
  [[], ""],
  [[["a"]], "a"],
  [
    [
      ["configuration", "status", "entry"],
      ["hls", "COMPLETE", "s3://b/a/hls/index.m3u8"],
    ],
    "configuration  status    entry\nhls            COMPLETE  s3://b/a/hls/index.m3u8",
  ],
])("%j → %j", (rows, text) => {
  expect(formatTable(rows)).toBe(text);
});
