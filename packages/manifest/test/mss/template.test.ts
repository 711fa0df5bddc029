import { describe, expect, test } from "vitest";
import { type FragmentUrlValues, fillUrlTemplate } from "../../src/mss/template.js";

const level: FragmentUrlValues = { bitrate: "300000", customAttributes: [], startTime: 20000000n };

describe("fillUrlTemplate", () => {
  test.each<[string, string, FragmentUrlValues, string]>([
    [
      "{bitrate} and {start time}",
      "QualityLevels({bitrate})/Fragments(video={start time})",
      level,
      "QualityLevels(300000)/Fragments(video=20000000)",
    ],
    [
      "{Bitrate} and {start_time}",
      "QualityLevels({Bitrate})/Fragments(video={start_time})",
      level,
      "QualityLevels(300000)/Fragments(video=20000000)",
    ],
    [
      "{StartTime}",
      "QualityLevels({bitrate})/Fragments(video={StartTime})",
      level,
      "QualityLevels(300000)/Fragments(video=20000000)",
    ],
    [
      "no parentheses (rx-player)",
      "QualityLevels{bitrate}/Fragmentsvideo={start time}",
      level,
      "QualityLevels300000/Fragmentsvideo=20000000",
    ],
    [
      "a query string",
      "QualityLevels({bitrate})/Fragments(a={start time})?p=1",
      level,
      "QualityLevels(300000)/Fragments(a=20000000)?p=1",
    ],
    [
      "one custom attribute",
      "QualityLevels({bitrate},{CustomAttributes})/Fragments(video={start time})",
      { ...level, customAttributes: [["hardwareProfile", "1000"]] },
      "QualityLevels(300000,hardwareProfile=1000)/Fragments(video=20000000)",
    ],
    [
      "two custom attributes, joined by a comma",
      "QualityLevels({bitrate},{CustomAttributes})/Fragments(video={start time})",
      {
        ...level,
        customAttributes: [
          ["a", "1"],
          ["b", "x"],
        ],
      },
      "QualityLevels(300000,a=1,b=x)/Fragments(video=20000000)",
    ],
    [
      "no custom attributes: the comma goes too",
      "QualityLevels({bitrate},{CustomAttributes})/Fragments(video={start time})",
      level,
      "QualityLevels(300000)/Fragments(video=20000000)",
    ],
    [
      "a start time beyond 2^53, exact",
      "Fragments(video={start time})",
      { ...level, startTime: 9007199254740993n },
      "Fragments(video=9007199254740993)",
    ],
    ["no placeholder at all", "Fragments(video=0)", level, "Fragments(video=0)"],
  ])("%s", (_name, template, values, expected) => {
    expect(fillUrlTemplate(template, values)).toBe(expected);
  });

  test.each<[string, string, FragmentUrlValues]>([
    ["an unknown placeholder", "QualityLevels({bitrate})/Fragments({track}={start time})", level],
    [
      "{bitrate} without a Bitrate",
      "QualityLevels({bitrate})/Fragments(v={start time})",
      { ...level, bitrate: undefined },
    ],
  ])("refuses %s", (_name, template, values) => {
    expect(() => fillUrlTemplate(template, values)).toThrow(
      expect.objectContaining({ name: "ManifestParseError", code: "MALFORMED_MANIFEST" }),
    );
  });
});
