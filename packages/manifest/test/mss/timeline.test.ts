import { describe, expect, test } from "vitest";
import type { MssChunk } from "../../src/mss/document.js";
import { countFragments, fragmentStartTimes } from "../../src/mss/timeline.js";

const c = (time?: number | bigint, duration?: number | bigint, repeat: number | bigint = 1): MssChunk => ({
  ...(time !== undefined ? { time: BigInt(time) } : {}),
  ...(duration !== undefined ? { duration: BigInt(duration) } : {}),
  repeat: BigInt(repeat),
});

describe("fragmentStartTimes", () => {
  test.each([
    ["no c at all", [], []],
    [
      "duration coding: the first starts at 0",
      [c(undefined, 10), c(undefined, 10), c(undefined, 5)],
      [0, 10, 20],
    ],
    ["start-time coding: only the last has d", [c(0), c(7), c(15, 3)], [0, 7, 15]],
    ["not starting at 0", [c(60, 20), c(undefined, 20)], [60, 80]],
    ["an explicit t after d ones (a gap)", [c(undefined, 10), c(50, 10), c(undefined, 10)], [0, 50, 60]],
    ["r is the number of fragments", [c(0, 10, 3)], [0, 10, 20]],
    ["r=1 is one fragment", [c(0, 10, 1), c(undefined, 5)], [0, 10]],
    [
      "a c without t follows all r fragments before it",
      [c(0, 10, 2), c(undefined, 4, 2), c(undefined, 1)],
      [0, 10, 20, 24, 28],
    ],
    ["a lone c without d", [c(5)], [5]],
  ])("%s", (_name, chunks, expected) => {
    expect(fragmentStartTimes(chunks)).toEqual(expected.map(BigInt));
  });

  test("keeps 64-bit times exact", () => {
    expect(fragmentStartTimes([c(2n ** 60n + 1n, 3n, 2), c(undefined, 1)])).toEqual([
      2n ** 60n + 1n,
      2n ** 60n + 4n,
      2n ** 60n + 7n,
    ]);
  });

  test.each([
    ["a c without t after one without d", [c(0), c(undefined, 10)]],
    ["r > 1 without d", [c(0, undefined, 2)]],
  ])("refuses %s", (_name, chunks) => {
    expect(() => fragmentStartTimes(chunks)).toThrow(
      expect.objectContaining({ name: "ManifestParseError", code: "MALFORMED_MANIFEST" }),
    );
  });
});

describe("countFragments", () => {
  test.each([
    ["no c", [], 0],
    ["c without r count once", [c(0, 1), c(undefined, 1)], 2],
    ["r adds up", [c(0, 1, 3), c(undefined, 1), c(undefined, 1, 2)], 6],
    ["a huge r, without expanding it", [c(0, 1, 2_000_000_000)], 2_000_000_000],
  ])("%s", (_name, chunks, expected) => {
    expect(countFragments(chunks)).toBe(expected);
  });
});
