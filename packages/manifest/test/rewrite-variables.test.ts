import { describe, expect, test } from "vitest";
import { parseManifest } from "../src/parse.js";
import { resolveReferences } from "../src/resolve.js";
import { rewriteManifest, storagePath } from "../src/rewrite.js";

const ROOT = "https://origin.example/out/v1/group/";

describe("rewriteManifest: HLS variables", () => {
  const manifestUrl = new URL(`${ROOT}hls/video/index.m3u8?token=abc%2F1`);
  const mediaPlaylist = [
    "#EXTM3U",
    "#EXT-X-VERSION:11",
    '#EXT-X-DEFINE:QUERYPARAM="token"',
    '#EXT-X-DEFINE:NAME="origin",VALUE="https://origin.example/out/v1/group"',
    '#EXT-X-DEFINE:NAME="root",VALUE="/out/v1/group"',
    '#EXT-X-DEFINE:NAME="dir",VALUE="seg"',
    '#EXT-X-MAP:URI="{$origin}/hls/video/init.mp4?token={$token}"',
    "#EXTINF:6,",
    "{$dir}/1.ts?token={$token}",
    "#EXTINF:6,",
    "{$root}/hls/video/{$dir}/2.ts",
    "#EXTINF:6,",
    "https://origin.example/out/v1/group/hls/video/3.ts",
    "#EXTINF:6,",
    "../video/{$dir}/4.ts",
    "#EXT-X-ENDLIST",
    "",
  ].join("\r\n");

  test("QUERYPARAM stored by value; spans resolving absolute rewritten whole, relative ones kept byte for byte", () => {
    const parsed = parseManifest(mediaPlaylist, { query: manifestUrl.search });
    const result = rewriteManifest(mediaPlaylist, { manifestUrl, root: ROOT, parsed });
    expect(result.text).toBe(
      [
        "#EXTM3U",
        "#EXT-X-VERSION:11",
        '#EXT-X-DEFINE:NAME="token",VALUE="abc/1"',
        '#EXT-X-DEFINE:NAME="origin",VALUE="https://origin.example/out/v1/group"',
        '#EXT-X-DEFINE:NAME="root",VALUE="/out/v1/group"',
        '#EXT-X-DEFINE:NAME="dir",VALUE="seg"',
        '#EXT-X-MAP:URI="init.mp4"',
        "#EXTINF:6,",
        "{$dir}/1.ts?token={$token}",
        "#EXTINF:6,",
        "seg/2.ts",
        "#EXTINF:6,",
        "3.ts",
        "#EXTINF:6,",
        "../video/{$dir}/4.ts",
        "#EXT-X-ENDLIST",
        "",
      ].join("\r\n"),
    );
    expect(result.rewritten).toBe(4);
    expect(result.kept).toEqual([]);
  });

  test("the stored copy, served elsewhere without the query, names the same keys", () => {
    const parsed = parseManifest(mediaPlaylist, { query: manifestUrl.search });
    const stored = rewriteManifest(mediaPlaylist, { manifestUrl, root: ROOT, parsed }).text;
    const storedRoot = new URL("https://bucket.s3.example/prefix/asset-1/cmaf/");
    const storedUrl = new URL("hls/video/index.m3u8", storedRoot);
    const keys = (urls: URL[], root: URL) => urls.map((url) => storagePath(url, root));
    const original = resolveReferences(parsed, manifestUrl).map((reference) => reference.url);
    const copy = resolveReferences(parseManifest(stored, { query: storedUrl.search }), storedUrl).map(
      (reference) => reference.url,
    );
    expect(keys(copy, storedRoot)).toEqual(keys(original, new URL(ROOT)));
    expect(keys(copy, storedRoot)).toEqual([
      "hls/video/init.mp4",
      "hls/video/seg/1.ts",
      "hls/video/seg/2.ts",
      "hls/video/3.ts",
      "hls/video/seg/4.ts",
    ]);
  });

  test.each([
    {
      name: "multivariant: QUERYPARAM stored by value, variant lines with variables resolving relative kept",
      manifestUrl: `${ROOT}index.m3u8?s=x1`,
      text:
        '#EXTM3U\n#EXT-X-DEFINE:QUERYPARAM="s"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv/{$s}/1.m3u8\n' +
        '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="/out/v1/group/v/{$s}/i.m3u8"\n',
      expected:
        '#EXTM3U\n#EXT-X-DEFINE:NAME="s",VALUE="x1"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv/{$s}/1.m3u8\n' +
        '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="v/x1/i.m3u8"\n',
      rewritten: 2,
    },
    {
      name: "a reference-like text the parse did not substitute (EXTINF title) stays, and does not fail",
      manifestUrl: `${ROOT}hls/index.m3u8`,
      text: '#EXTM3U\n#EXTINF:6,URI="{$nope}"\nseg1.ts\n',
      expected: '#EXTM3U\n#EXTINF:6,URI="{$nope}"\nseg1.ts\n',
      rewritten: 0,
    },
  ])("$name", ({ manifestUrl, text, expected, rewritten }) => {
    const url = new URL(manifestUrl);
    const result = rewriteManifest(text, {
      manifestUrl: url,
      root: ROOT,
      parsed: parseManifest(text, { query: url.search }),
    });
    expect(result.text).toBe(expected);
    expect(result.rewritten).toBe(rewritten);
  });
});
