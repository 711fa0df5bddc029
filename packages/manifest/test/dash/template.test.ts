import { describe, expect, test } from "vitest";
import { compileTemplate, isPerSegment, REPRESENTATION_IDENTIFIERS } from "../../src/dash/template.js";

const values = { representationId: "video_1", bandwidth: "350000", number: 42, time: 96000 };

describe("compileTemplate", () => {
  test.each([
    ["seg-$Number$.m4s", "seg-42.m4s"],
    ["seg-$Number%05d$.m4s", "seg-00042.m4s"],
    ["seg-$Number%01d$.m4s", "seg-42.m4s"],
    ["$Time$.m4s", "96000.m4s"],
    ["$Time%010d$.m4s", "0000096000.m4s"],
    ["$RepresentationID$/$Bandwidth$/x", "video_1/350000/x"],
    ["$Bandwidth%08d$", "00350000"],
    ["cost$$-$Number$", "cost$-42"],
    ["$Unknown$-$Number$", "$Unknown$-42"],
    ["plain.mp4", "plain.mp4"],
    ["", ""],
  ])("%s → %s", (template, expected) => {
    expect(compileTemplate(template)(values)).toBe(expected);
  });
  test("leaves segment identifiers of an initialization template as written", () => {
    expect(compileTemplate("$RepresentationID$/init$Number$.mp4", REPRESENTATION_IDENTIFIERS)(values)).toBe(
      "video_1/init$Number$.mp4",
    );
  });
});

describe("isPerSegment", () => {
  test.each([
    ["$Number$.m4s", true],
    ["$Time%08d$.m4s", true],
    ["$RepresentationID$/index.sidx", false],
    ["$$Number$$", false],
  ])("%s → %s", (template, expected) => {
    expect(isPerSegment(template)).toBe(expected);
  });
});
