import { describe, expect, test } from "vitest";
import { ResourceBudget, resolveLimits } from "../../src/limits.js";
import type { MssStream } from "../../src/mss/document.js";
import { hasFragmentRequests, parseMss, streamKind } from "../../src/mss/index.js";
import type { ParseContext } from "../../src/parse.js";

function contextWithBudget(budget: ResourceBudget): ParseContext {
  return { role: "media", now: undefined, limits: resolveLimits(), budget };
}

const stream = (overrides: Partial<MssStream>): MssStream => ({
  type: "video",
  subtype: undefined,
  fourCC: undefined,
  url: "QualityLevels({bitrate})/Fragments(v={start time})",
  manifestOutput: false,
  qualityLevels: [{ bitrate: "1", customAttributes: [] }],
  chunks: [],
  ...overrides,
});

describe("streamKind", () => {
  test.each([
    ["video", stream({ type: "video" }), "media"],
    ["audio", stream({ type: "audio" }), "media"],
    ["text", stream({ type: "text", subtype: "SUBT" }), "subtitle"],
    ["a zoetrope", stream({ type: "video", subtype: "ZOET" }), "image"],
    ["a JPEG track", stream({ type: "video", fourCC: "jpeg" }), "image"],
    ["a PNG track", stream({ type: "video", fourCC: "PNG" }), "image"],
  ])("%s → %s", (_name, input, kind) => {
    expect(streamKind(input)).toBe(kind);
  });
});

describe("hasFragmentRequests", () => {
  test.each([
    ["a stream with Url and quality levels", stream({}), true],
    ["an embedded track (no Url)", stream({ url: undefined }), false],
    ["ManifestOutput: samples in the manifest", stream({ manifestOutput: true }), false],
    ["no quality level", stream({ qualityLevels: [] }), false],
  ])("%s → %s", (_name, input, expected) => {
    expect(hasFragmentRequests(input)).toBe(expected);
  });
});

const twoLevelsThreeFragments = `<SmoothStreamingMedia MajorVersion="2" MinorVersion="2" Duration="30">
  <StreamIndex Type="video" Url="QualityLevels({bitrate})/Fragments(video={start time})">
    <QualityLevel Index="0" Bitrate="100"/><QualityLevel Index="1" Bitrate="200"/>
    <c t="0" d="10" r="3"/>
  </StreamIndex>
</SmoothStreamingMedia>`;

describe("parseMss", () => {
  test("yields every quality level × every fragment, quality level by quality level, with no bases", () => {
    const parsed = parseMss(twoLevelsThreeFragments, contextWithBudget(new ResourceBudget(100)));
    expect(parsed.format).toBe("mss");
    expect(parsed.references.map((reference) => [reference.uri, reference.kind, reference.bases])).toEqual([
      ["QualityLevels(100)/Fragments(video=0)", "media", []],
      ["QualityLevels(100)/Fragments(video=10)", "media", []],
      ["QualityLevels(100)/Fragments(video=20)", "media", []],
      ["QualityLevels(200)/Fragments(video=0)", "media", []],
      ["QualityLevels(200)/Fragments(video=10)", "media", []],
      ["QualityLevels(200)/Fragments(video=20)", "media", []],
    ]);
  });

  test.each([
    ["exactly enough", 6, false],
    ["one too few", 5, true],
  ])("reserves quality levels × fragments from the budget: %s", (_name, max, throws) => {
    const run = () => parseMss(twoLevelsThreeFragments, contextWithBudget(new ResourceBudget(max)));
    if (throws) {
      expect(run).toThrow(
        expect.objectContaining({ name: "ManifestLimitError", code: "TOO_MANY_RESOURCES" }),
      );
    } else {
      expect(run().references).toHaveLength(6);
    }
  });

  test("refuses a huge r before expanding it", () => {
    const reserved: number[] = [];
    const budget = new ResourceBudget(1000);
    const recording = Object.assign(Object.create(budget) as ResourceBudget, {
      reserve(count: number, what?: string) {
        reserved.push(count);
        budget.reserve(count, what);
      },
    });
    const text = twoLevelsThreeFragments.replace('r="3"', 'r="1000000000000"');
    expect(() => parseMss(text, contextWithBudget(recording))).toThrow(
      expect.objectContaining({ code: "TOO_MANY_RESOURCES" }),
    );
    expect(reserved).toEqual([2_000_000_000_000]);
  });
});
