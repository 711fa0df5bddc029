import { describe, expect, test } from "vitest";
import { DEFAULT_LIMITS } from "../src/limits.js";
import { detectFormat, parseManifest, prepareText } from "../src/parse.js";

describe("detectFormat", () => {
  test.each([
    ["#EXTM3U\n#EXTINF:4,\na.ts", "hls"],
    ["\n\n  #EXTM3U\r\n", "hls"],
    ["#EXTINF:10,\na.ts\n#EXT-X-ENDLIST", "hls"],
    ["#EXT-X-VERSION:3\n#EXTINF:10,\na.ts", "hls"],
    ['<?xml version="1.0"?>\n<!-- c -->\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"/>', "dash"],
    ['<?xml version="1.0"?>\n<!--Generated with packager version <tag>-<hash>-->\n<MPD/>', "dash"],
    ['<mpd:MPD xmlns:mpd="urn:mpeg:dash:schema:mpd:2011"/>', "dash"],
    ['<?xml version="1.0" encoding="utf-16"?><SmoothStreamingMedia MajorVersion="2"/>', "mss"],
  ])("%j is %s", (text, format) => {
    expect(detectFormat(text)).toBe(format);
  });
  test.each([["<html><body>404</body></html>"], ["{}"], [""], ["#EXTM3X"]])("%j is refused", (text) => {
    expect(() => detectFormat(text)).toThrow(expect.objectContaining({ code: "UNRECOGNIZED_MANIFEST" }));
  });
});

describe("prepareText", () => {
  test("strips a byte order mark", () => {
    expect(prepareText("\uFEFF#EXTM3U", DEFAULT_LIMITS)).toBe("#EXTM3U");
  });
  test("refuses text over the size limit, naming the limit", () => {
    expect(() =>
      parseManifest("#EXTM3U\n".padEnd(2000, "#"), { limits: { maxManifestBytes: 1000 } }),
    ).toThrow(expect.objectContaining({ name: "ManifestLimitError", code: "MANIFEST_TOO_LARGE" }));
  });
});
