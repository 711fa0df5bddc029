import { describe, expect, test } from "vitest";
import { segmentKind, surveyPlaylist } from "../../src/hls/survey.js";

describe("surveyPlaylist", () => {
  test.each([
    ["#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n", "hls-multivariant"],
    ['#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,URI="a.m3u8"\n', "hls-multivariant"],
    ['#EXTM3U\r\n#EXT-X-I-FRAME-STREAM-INF:URI="i.m3u8"\r\n', "hls-multivariant"],
    ['#EXTM3U\n#EXT-X-IMAGE-STREAM-INF:URI="i.m3u8"\n', "hls-multivariant"],
    ['#EXTM3U\n#EXT-X-SESSION-KEY:METHOD=AES-128,URI="k"\n', "hls-multivariant"],
    ['#EXTM3U\n  #EXT-X-SESSION-DATA:DATA-ID="x",VALUE="y"\n', "hls-multivariant"],
    ["#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:1,\na.ts\n", "hls-media"],
    ["#EXTM3U\n#EXT-X-STREAM-INF-X:1\n# #EXT-X-STREAM-INF:\n", "hls-media"],
    ["#EXTM3U\n", "hls-media"],
  ])("%j is %s", (text, format) => {
    expect(surveyPlaylist(text).format).toBe(format);
  });

  test.each([
    ["#EXTM3U\n#EXT-X-I-FRAMES-ONLY\n", { iframesOnly: true, imagesOnly: false }],
    ["#EXTM3U\n#EXTINF:1,\na.jpg\n#EXT-X-IMAGES-ONLY\r\n", { iframesOnly: false, imagesOnly: true }],
    ["#EXTM3U\n#EXT-X-TILES:LAYOUT=5x2\n", { iframesOnly: false, imagesOnly: false }],
  ])("flags of %j", (text, flags) => {
    expect(surveyPlaylist(text)).toMatchObject(flags);
  });
});

describe("segmentKind", () => {
  const survey = { format: "hls-media", iframesOnly: false, imagesOnly: false } as const;
  test.each([
    [survey, "media", "media"],
    [survey, "subtitle", "subtitle"],
    [survey, "iframe", "iframe"],
    [survey, "image", "image"],
    [{ ...survey, iframesOnly: true }, "media", "iframe"],
    [{ ...survey, imagesOnly: true }, "subtitle", "image"],
  ] as const)("%j with role %s → %s", (flags, role, kind) => {
    expect(segmentKind(flags, role)).toBe(kind);
  });
});
