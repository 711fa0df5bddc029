import { describe, expect, test } from "vitest";
import { parseByteRangeSpec, SubRangeTracker, toByteRangeSpec } from "../../src/hls/byte-range.js";

describe("parseByteRangeSpec", () => {
  test.each([
    ["1000@20", { length: 1000, offset: 20 }],
    ["1000", { length: 1000 }],
    ["1000@", { length: 1000 }],
    [" 7@0 ", { length: 7, offset: 0 }],
  ])("%s", (text, expected) => {
    expect(parseByteRangeSpec(text, 3)).toEqual(expected);
  });

  test.each(["", "abc", "@5", "-1@0", "1.5@0", "99999999999999999999"])("refuses %j", (text) => {
    expect(() => parseByteRangeSpec(text, 3)).toThrow(
      expect.objectContaining({ name: "ManifestParseError", code: "MALFORMED_MANIFEST" }),
    );
  });
});

describe("toByteRangeSpec", () => {
  test.each<[{ length?: number; offset?: number }, string]>([
    [{}, "no length"],
    [{ length: Number.NaN }, "NaN length"],
    [{ length: 10, offset: -1 }, "negative offset"],
  ])("refuses %j (%s)", (parsed) => {
    expect(() => toByteRangeSpec(parsed, 1)).toThrow(expect.objectContaining({ code: "MALFORMED_MANIFEST" }));
  });

  test("keeps a length and an offset", () => {
    expect(toByteRangeSpec({ length: 5, offset: 9 }, 1)).toEqual({ length: 5, offset: 9 });
  });
});

describe("SubRangeTracker", () => {
  test.each([
    [
      "offsetless ranges continue the previous range of the same URI",
      [
        ["a.mp4", { length: 100, offset: 1000 }],
        ["a.mp4", { length: 50 }],
        ["a.mp4", { length: 25 }],
      ],
      [
        { offset: 1000, length: 100 },
        { offset: 1100, length: 50 },
        { offset: 1150, length: 25 },
      ],
    ],
    [
      "each URI continues on its own; a first offsetless range starts at 0",
      [
        ["a.ts", { length: 10 }],
        ["b.ts", { length: 7 }],
        ["a.ts", { length: 5 }],
      ],
      [
        { offset: 0, length: 10 },
        { offset: 0, length: 7 },
        { offset: 10, length: 5 },
      ],
    ],
    [
      "an explicit offset moves the continuation",
      [
        ["a.ts", { length: 10, offset: 500 }],
        ["a.ts", { length: 10, offset: 0 }],
        ["a.ts", { length: 1 }],
      ],
      [
        { offset: 500, length: 10 },
        { offset: 0, length: 10 },
        { offset: 10, length: 1 },
      ],
    ],
  ] as const)("%s", (_case, inputs, expected) => {
    const tracker = new SubRangeTracker();
    expect(inputs.map(([uri, spec]) => tracker.place(uri, spec))).toEqual(expected);
  });
});
