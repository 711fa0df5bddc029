import { describe, expect, test } from "vitest";
import {
  expandTimeline,
  lexTimeline,
  openRepeatCount,
  type TimelineBounds,
} from "../../src/dash/timeline.js";
import { ResourceBudget } from "../../src/limits.js";

const noBounds: TimelineBounds = { periodEnd: undefined, liveEdge: undefined };

describe("lexTimeline", () => {
  test("reads t, d and r, prefixes, both quote styles, comments and S closed by an end tag", () => {
    const raw = `
      <!-- first -->
      <S t="10" d="5" r="1"/>
      <mpd:S d='7'></mpd:S>
      <S n="3" d="2" r="-1" k="1"/>`;
    expect(lexTimeline(raw)).toEqual([
      { t: 10, d: 5, r: 1 },
      { t: undefined, d: 7, r: 0 },
      { t: undefined, d: 2, r: -1 },
    ]);
  });
  test("reads an empty timeline", () => {
    expect(lexTimeline("  ")).toEqual([]);
  });
  test.each([
    ['<S t="0"/>', "no d"],
    ['<S d="0"/>', "d of 0"],
    ['<S d="1" r="-2"/>', "r below -1"],
    ['<S d="1" r="1.5"/>', "fractional r"],
    ['<S d="1"/><X/>', "another element"],
    ['<S d="1">text</S>', "content in S"],
  ])("refuses %s (%s)", (raw) => {
    expect(() => lexTimeline(raw)).toThrow(
      expect.objectContaining({ name: "ManifestParseError", code: "MALFORMED_MANIFEST" }),
    );
  });
});

describe("openRepeatCount", () => {
  test.each([
    ["up to the next S@t", 1080, 30, 1200, noBounds, 4],
    ["up to the next S@t, partial", 0, 30, 100, noBounds, 4],
    [
      "up to the Period end, last partial kept",
      1220,
      25,
      undefined,
      { periodEnd: 1250, liveEdge: undefined },
      2,
    ],
    ["up to the Period end, exact", 0, 10, undefined, { periodEnd: 50, liveEdge: undefined }, 5],
    ["live edge: complete segments only", 0, 4000, undefined, { periodEnd: undefined, liveEdge: 19999 }, 4],
    ["live edge after the Period end: the Period end", 0, 10, undefined, { periodEnd: 25, liveEdge: 100 }, 3],
    ["no bound at all: the S itself", 0, 10, undefined, noBounds, 1],
  ] as const)("%s", (_case, time, d, nextT, bounds, count) => {
    expect(openRepeatCount(time, d, nextT, bounds)).toBe(count);
  });
});

describe("expandTimeline", () => {
  const budget = () => new ResourceBudget(1000);
  test.each([
    [
      "t defaults to 0 then to the previous end",
      [
        { t: undefined, d: 2, r: 1 },
        { t: undefined, d: 3, r: 0 },
      ],
      [0, 2, 4],
    ],
    [
      "S@t jumps over a gap",
      [
        { t: 0, d: 2, r: 0 },
        { t: 10, d: 2, r: 1 },
      ],
      [0, 10, 12],
    ],
    [
      "r=-1 up to the next t",
      [
        { t: 0, d: 5, r: -1 },
        { t: 20, d: 1, r: 0 },
      ],
      [0, 5, 10, 15, 20],
    ],
  ] as const)("%s", (_case, entries, times) => {
    expect(expandTimeline(entries, noBounds, budget())).toEqual(times);
  });
  test("stops at maxCount (endNumber)", () => {
    expect(expandTimeline([{ t: 0, d: 1, r: 9 }], noBounds, budget(), 3)).toEqual([0, 1, 2]);
  });
  test("a hostile repeat fails at once, before expanding", () => {
    // The whole repeat is reserved in one call, before one time is listed (a count, not a stopwatch).
    const reserved: number[] = [];
    const budget = new ResourceBudget(2_000_000);
    const recording = Object.assign(Object.create(budget) as ResourceBudget, {
      reserve(count: number, what?: string) {
        reserved.push(count);
        budget.reserve(count, what);
      },
    });
    expect(() => expandTimeline([{ t: 0, d: 1, r: 2_000_000_000 }], noBounds, recording)).toThrow(
      expect.objectContaining({ name: "ManifestLimitError", code: "TOO_MANY_RESOURCES" }),
    );
    expect(reserved).toEqual([2_000_000_001]);
  });
});
