import { describe, expect, test } from "vitest";
import { multivariantReferences } from "../../src/hls/multivariant.js";
import { tokenizeHls } from "../../src/hls/tokenize.js";
import { ResourceBudget } from "../../src/limits.js";

const references = (body: string) =>
  multivariantReferences(tokenizeHls(`#EXTM3U\n${body}`), new ResourceBudget(100)).map(
    ({ uri, kind, role }) => (role ? [kind, role, uri] : [kind, uri]),
  );

describe("multivariantReferences", () => {
  test.each([
    [
      "a variant takes the next URI line",
      "#EXT-X-STREAM-INF:BANDWIDTH=1\n# note\nv.m3u8\n",
      [["manifest", "media", "v.m3u8"]],
    ],
    [
      "audio and video renditions",
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="a.m3u8"\n#EXT-X-MEDIA:TYPE=VIDEO,GROUP-ID="v",NAME="2",URI="v.m3u8"\n',
      [
        ["manifest", "media", "a.m3u8"],
        ["manifest", "media", "v.m3u8"],
      ],
    ],
    [
      "a subtitles rendition",
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="s",NAME="en",URI="s.m3u8"\n',
      [["manifest", "subtitle", "s.m3u8"]],
    ],
    [
      "a rendition without NAME still counts",
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",URI="a.m3u8"\n',
      [["manifest", "media", "a.m3u8"]],
    ],
    ["a rendition without URI is in the variant", '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="muxed"\n', []],
    [
      "closed captions name no playlist",
      '#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="en",INSTREAM-ID="CC1",URI="bogus"\n',
      [],
    ],
    [
      "I-frame and image playlists",
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="i.m3u8"\n#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=1,URI="t.m3u8"\n',
      [
        ["manifest", "iframe", "i.m3u8"],
        ["manifest", "image", "t.m3u8"],
      ],
    ],
    [
      "session key: only a fetchable one",
      '#EXT-X-SESSION-KEY:METHOD=AES-128,URI="k.key"\n#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://k"\n#EXT-X-SESSION-KEY:METHOD=NONE\n',
      [["key", "k.key"]],
    ],
    [
      "session data: only with URI",
      '#EXT-X-SESSION-DATA:DATA-ID="a",URI="d.json"\n#EXT-X-SESSION-DATA:DATA-ID="b",VALUE="v"\n',
      [["media", "d.json"]],
    ],
    [
      "a variant without URI line before the next one is skipped",
      "#EXT-X-STREAM-INF:BANDWIDTH=1\n#EXT-X-STREAM-INF:BANDWIDTH=2\nv2.m3u8\n",
      [["manifest", "media", "v2.m3u8"]],
    ],
    ["a variant at the end without URI line is skipped", "#EXT-X-STREAM-INF:BANDWIDTH=1\n", []],
    [
      "a URI line after no variant is skipped",
      "#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\nstray.m3u8\n",
      [["manifest", "media", "v.m3u8"]],
    ],
  ])("%s", (_case, body, expected) => {
    expect(references(body)).toEqual(expected);
  });

  test("the budget counts child playlists", () => {
    const body = "#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n".repeat(3);
    expect(() => multivariantReferences(tokenizeHls(`#EXTM3U\n${body}`), new ResourceBudget(2))).toThrow(
      expect.objectContaining({ name: "ManifestLimitError", code: "TOO_MANY_RESOURCES" }),
    );
  });
});
