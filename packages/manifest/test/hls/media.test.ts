import { describe, expect, test } from "vitest";
import { mediaReferences } from "../../src/hls/media.js";
import { tokenizeHls } from "../../src/hls/tokenize.js";
import { ResourceBudget } from "../../src/limits.js";

const references = (body: string, kind: "media" | "iframe" = "media") =>
  mediaReferences(tokenizeHls(`#EXTM3U\n${body}`), kind, new ResourceBudget(1000)).map(
    ({ uri, kind, byteRange }) => (byteRange ? [kind, uri, byteRange.offset, byteRange.length] : [kind, uri]),
  );

describe("mediaReferences", () => {
  test.each([
    [
      "segments take the given kind",
      "#EXTINF:1,\na.ts\n#EXTINF:1,\nb.ts\n",
      "iframe",
      [
        ["iframe", "a.ts"],
        ["iframe", "b.ts"],
      ],
    ],
    ["a URI line without EXTINF is still a segment", "a.ts\n", "media", [["media", "a.ts"]]],
    [
      "EXTINF at the end without URI is ignored",
      "#EXTINF:1,\na.ts\n#EXTINF:1,\n",
      "media",
      [["media", "a.ts"]],
    ],
    [
      "EXT-X-BYTERANGE applies to the next segment only",
      "#EXT-X-BYTERANGE:5@1\na.ts\nb.ts\n",
      "media",
      [
        ["media", "a.ts", 1, 5],
        ["media", "b.ts"],
      ],
    ],
    [
      "an EXT-X-GAP segment is left out",
      "#EXT-X-GAP\n#EXTINF:1,\na.ts\n#EXTINF:1,\nb.ts\n",
      "media",
      [["media", "b.ts"]],
    ],
    [
      "a repeated MAP is listed once, a different one again",
      '#EXT-X-MAP:URI="i.mp4"\na.ts\n#EXT-X-MAP:URI="i.mp4"\nb.ts\n#EXT-X-MAP:URI="i.mp4",BYTERANGE="9@0"\nc.ts\n',
      "media",
      [
        ["init", "i.mp4"],
        ["media", "a.ts"],
        ["media", "b.ts"],
        ["init", "i.mp4", 0, 9],
        ["media", "c.ts"],
      ],
    ],
    [
      "a MAP BYTERANGE without offset starts at 0",
      '#EXT-X-MAP:URI="i.mp4",BYTERANGE="9"\n',
      "media",
      [["init", "i.mp4", 0, 9]],
    ],
    ["a MAP without URI names nothing", '#EXT-X-MAP:BYTERANGE="9@0"\na.ts\n', "media", [["media", "a.ts"]]],
    [
      "keys per KEYFORMAT: a FairPlay key beside does not replace the identity key",
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="k"\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://x",KEYFORMAT="com.apple.streamingkeydelivery"\na.ts\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI="k"\nb.ts\n',
      "media",
      [
        ["key", "k"],
        ["media", "a.ts"],
        ["media", "b.ts"],
      ],
    ],
    [
      "METHOD=NONE ends the key in force, so the same key after it is listed again",
      '#EXT-X-KEY:METHOD=AES-128,URI="k"\na.ts\n#EXT-X-KEY:METHOD=NONE\nb.ts\n#EXT-X-KEY:METHOD=AES-128,URI="k"\nc.ts\n',
      "media",
      [
        ["key", "k"],
        ["media", "a.ts"],
        ["media", "b.ts"],
        ["key", "k"],
        ["media", "c.ts"],
      ],
    ],
    ["a key without URI names nothing", "#EXT-X-KEY:METHOD=AES-128\na.ts\n", "media", [["media", "a.ts"]]],
    [
      "parts are listed, GAP=YES parts and preload hints are not",
      '#EXT-X-PART:DURATION=1,URI="p0.mp4"\n#EXT-X-PART:DURATION=1,URI="p1.mp4",GAP=YES\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p2.mp4"\n#EXT-X-RENDITION-REPORT:URI="../other.m3u8",LAST-MSN=1\n',
      "media",
      [["media", "p0.mp4"]],
    ],
    [
      "part ranges and segment ranges continue apart",
      '#EXT-X-PART:DURATION=1,URI="s.mp4",BYTERANGE="10@0"\n#EXT-X-PART:DURATION=1,URI="s.mp4",BYTERANGE="5"\n#EXT-X-BYTERANGE:15@0\ns.mp4\n#EXT-X-BYTERANGE:20\ns.mp4\n',
      "media",
      [
        ["media", "s.mp4", 0, 10],
        ["media", "s.mp4", 10, 5],
        ["media", "s.mp4", 0, 15],
        ["media", "s.mp4", 15, 20],
      ],
    ],
  ] as const)("%s", (_case, body, kind, expected) => {
    expect(references(body, kind)).toEqual(expected);
  });

  test("every reference shares the one empty base chain", () => {
    const [first, second] = mediaReferences(
      tokenizeHls("#EXTM3U\na.ts\nb.ts\n"),
      "media",
      new ResourceBudget(10),
    );
    expect(first?.bases).toEqual([]);
    expect(first?.bases).toBe(second?.bases);
  });

  test("the budget stops a playlist with more segments than allowed", () => {
    const body = "#EXTINF:1,\ns.ts\n".repeat(11);
    expect(() => mediaReferences(tokenizeHls(`#EXTM3U\n${body}`), "media", new ResourceBudget(10))).toThrow(
      expect.objectContaining({ name: "ManifestLimitError", code: "TOO_MANY_RESOURCES" }),
    );
  });
});
