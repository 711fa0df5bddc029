import { describe, expect, test } from "vitest";
import { parseManifest } from "../../src/parse.js";

describe("parseHls through parseManifest", () => {
  test.each([
    ["#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n", "hls-multivariant", 1],
    ["#EXTM3U\n#EXTINF:1,\na.ts\n#EXT-X-ENDLIST\n", "hls-media", 1],
    ["#EXTM3U\n", "hls-media", 0],
  ])("%j is %s with %i references", (text, format, count) => {
    const parsed = parseManifest(text);
    expect(parsed.format).toBe(format);
    expect(parsed.references).toHaveLength(count);
  });

  test("the role given by the parent sets the segment kind", () => {
    const parsed = parseManifest("#EXTM3U\n#EXTINF:1,\na.vtt\n", { role: "subtitle" });
    expect(parsed.references.map((reference) => reference.kind)).toEqual(["subtitle"]);
  });

  test("a playlist over maxResources fails with the typed limit error", () => {
    const text = `#EXTM3U\n${"#EXTINF:1,\ns.ts\n".repeat(50)}`;
    expect(() => parseManifest(text, { limits: { maxResources: 49 } })).toThrow(
      expect.objectContaining({ name: "ManifestLimitError", code: "TOO_MANY_RESOURCES" }),
    );
    expect(parseManifest(text, { limits: { maxResources: 50 } }).references).toHaveLength(50);
  });
});
