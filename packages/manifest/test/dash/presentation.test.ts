import { describe, expect, test } from "vitest";
import { readMpdXml as parseXml } from "../../src/dash/index.js";
import { readPresentation, timePeriods } from "../../src/dash/presentation.js";

const timing = (mpd: string) => {
  const root = parseXml(mpd);
  return timePeriods(root, readPresentation(root, undefined)).map(({ start, duration }) => ({
    start,
    duration,
  }));
};

describe("timePeriods", () => {
  test.each([
    [
      "Period@duration, next Period@start, mediaPresentationDuration",
      '<MPD mediaPresentationDuration="PT25S"><Period duration="PT9S"/><Period/><Period start="PT15S"/></MPD>',
      [
        { start: 0, duration: 9 },
        { start: 9, duration: 6 },
        { start: 15, duration: 10 },
      ],
    ],
    [
      "open-ended live Period",
      '<MPD type="dynamic"><Period start="PT10S"/></MPD>',
      [{ start: 10, duration: undefined }],
    ],
    [
      "start unknown after an open Period",
      "<MPD><Period/><Period/></MPD>",
      [
        { start: 0, duration: undefined },
        { start: undefined, duration: undefined },
      ],
    ],
    [
      "a Period starting after the presentation's end takes the presentation's length",
      '<MPD mediaPresentationDuration="PT6S"><Period start="PT12M34S"/></MPD>',
      [{ start: 754, duration: 6 }],
    ],
  ])("%s", (_case, mpd, expected) => {
    expect(timing(mpd)).toEqual(expected);
  });
});

describe("readPresentation", () => {
  const mpd = parseXml(
    '<MPD type="dynamic" availabilityStartTime="2024-01-01T00:00:00Z" publishTime="2024-01-01T00:00:30Z" timeShiftBufferDepth="PT30S"/>',
  );
  test.each([
    ["the caller's now", new Date("2024-01-01T00:00:55Z"), Date.UTC(2024, 0, 1, 0, 0, 55)],
    ["else publishTime", undefined, Date.UTC(2024, 0, 1, 0, 0, 30)],
  ])("expands a live MPD at %s", (_case, now, expected) => {
    expect(readPresentation(mpd, now)).toMatchObject({
      dynamic: true,
      now: expected,
      timeShiftBufferDepth: 30,
    });
  });
  test("else availabilityStartTime + 60 s; an unreadable instant counts as absent", () => {
    const root = parseXml(
      '<MPD type="dynamic" availabilityStartTime="2024-01-01T00:00:00Z" publishTime="some_time"/>',
    );
    expect(readPresentation(root, undefined).now).toBe(Date.UTC(2024, 0, 1, 0, 1, 0));
  });
  test("refuses a root that is not an MPD", () => {
    expect(() => readPresentation(parseXml("<SmoothStreamingMedia/>"), undefined)).toThrow(
      expect.objectContaining({ code: "UNRECOGNIZED_MANIFEST" }),
    );
  });
});
