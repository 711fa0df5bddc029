// HTTP Range for every server the project runs (test origin, MediaPackage emulator, preview): one parser.
import { describe, expect, test } from "vitest";
import { contentRange, parseRange } from "../src/http-range.js";

describe("parseRange on a 100-byte file", () => {
  test.each([
    ["bytes=0-9", { offset: 0, length: 10 }],
    ["bytes=90-", { offset: 90, length: 10 }],
    ["bytes=90-500", { offset: 90, length: 10 }],
    ["bytes=-30", { offset: 70, length: 30 }],
    ["bytes=-500", { offset: 0, length: 100 }],
    ["bytes=100-", "unsatisfiable"],
    ["bytes=-0", "unsatisfiable"],
    ["bytes=5-1", undefined],
    ["bytes=0-1,5-6", undefined],
    ["items=0-1", undefined],
    [undefined, undefined],
    ["bytes=0-0", { offset: 0, length: 1 }],
  ])("%s", (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});

test("an empty file: a suffix range is unsatisfiable", () => {
  expect(parseRange("bytes=-5", 0)).toBe("unsatisfiable");
});

test("contentRange", () => {
  expect(contentRange({ offset: 90, length: 10 }, 100)).toBe("bytes 90-99/100");
});
