import { describe, expect, test } from "vitest";
import { durationSegmentRange } from "../../src/dash/duration.js";
import type { Presentation } from "../../src/dash/presentation.js";

const staticMpd: Presentation = {
  dynamic: false,
  mediaPresentationDuration: undefined,
  availabilityStartTime: 0,
  now: 0,
  timeShiftBufferDepth: Number.POSITIVE_INFINITY,
};
const live = (elapsedSeconds: number, timeShiftBufferDepth = Number.POSITIVE_INFINITY): Presentation => ({
  ...staticMpd,
  dynamic: true,
  availabilityStartTime: 1_000_000,
  now: 1_000_000 + elapsedSeconds * 1000,
  timeShiftBufferDepth,
});
const addressing = { duration: 4000, timescale: 1000, startNumber: 1, endNumber: undefined };

describe("durationSegmentRange", () => {
  test.each([
    ["whole segments", { start: 0, duration: 8 }, staticMpd, addressing, { first: 0, count: 2 }],
    [
      "last partial segment included",
      { start: 0, duration: 9 },
      staticMpd,
      addressing,
      { first: 0, count: 3 },
    ],
    [
      "rounding noise is not a segment",
      { start: 0, duration: 634.566 },
      staticMpd,
      { ...addressing, duration: 57110940, timescale: 90000 },
      { first: 0, count: 1 },
    ],
    [
      "endNumber wins",
      { start: 0, duration: 100 },
      staticMpd,
      { ...addressing, startNumber: 5, endNumber: 7 },
      { first: 0, count: 3 },
    ],
    [
      "live: complete segments only",
      { start: 10, duration: undefined },
      live(55),
      addressing,
      { first: 0, count: 11 },
    ],
    [
      "live: inside the time-shift buffer",
      { start: 10, duration: undefined },
      live(55, 30),
      addressing,
      { first: 3, count: 8 },
    ],
    [
      "live: a Period that has ended is whole",
      { start: 0, duration: 9 },
      live(100),
      addressing,
      { first: 0, count: 3 },
    ],
    [
      "live: a Period not started yet is empty",
      { start: 90, duration: undefined },
      live(0),
      addressing,
      { first: 0, count: 0 },
    ],
  ] as const)("%s", (_case, period, presentation, segmentAddressing, range) => {
    expect(durationSegmentRange(segmentAddressing, period, presentation)).toEqual(range);
  });
  test.each([
    ["a static Period of unknown length", addressing],
    ["a zero duration", { ...addressing, duration: 0 }],
  ])("refuses %s", (_case, segmentAddressing) => {
    expect(() =>
      durationSegmentRange(segmentAddressing, { start: 0, duration: undefined }, staticMpd),
    ).toThrow(expect.objectContaining({ name: "ManifestParseError", code: "MALFORMED_MANIFEST" }));
  });
});
