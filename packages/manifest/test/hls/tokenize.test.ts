import { describe, expect, test } from "vitest";
import { type HlsToken, tokenizeHls } from "../../src/hls/tokenize.js";

/** Tokens as plain objects (attribute lists have no prototype). */
const tokens = (text: string) =>
  [...tokenizeHls(text)].map((token: HlsToken) =>
    token.type === "tag" ? { ...token, attributes: { ...token.attributes } } : token,
  );

describe("tokenizeHls", () => {
  test.each([
    ["a URI line, trimmed", "#EXTM3U\n  seg 1.ts \r\n", [{ type: "uri", line: 2, uri: "seg 1.ts" }]],
    ["comments and blank lines give nothing", "#EXTM3U\n\n# comment\n   \n#not a tag\n", []],
    [
      "EXTINF, with or without a title (one with a U+2028, which m3u8-parser's pattern does not take), then URIs",
      "#EXTM3U\n#EXTINF:4.0,\na.ts\n #EXTINF:4,title, with comma \r\nb.ts\n#EXTINF:4,odd\u2028title\nc.ts\n",
      [
        { type: "tag", line: 2, name: "EXTINF", attributes: {} },
        { type: "uri", line: 3, uri: "a.ts" },
        { type: "tag", line: 4, name: "EXTINF", attributes: {} },
        { type: "uri", line: 5, uri: "b.ts" },
        { type: "tag", line: 6, name: "EXTINF", attributes: {} },
        { type: "uri", line: 7, uri: "c.ts" },
      ],
    ],
    [
      "an unknown tag keeps its name only",
      "#EXTM3U\n#EXT-X-FOO:A=1\n",
      [{ type: "tag", line: 2, name: "EXT-X-FOO", attributes: {} }],
    ],
    [
      "EXT-X-BYTERANGE with and without offset",
      "#EXTM3U\n#EXT-X-BYTERANGE:10@5\n#EXT-X-BYTERANGE:7\n",
      [
        {
          type: "tag",
          line: 2,
          name: "EXT-X-BYTERANGE",
          attributes: {},
          byteRange: { length: 10, offset: 5 },
        },
        { type: "tag", line: 3, name: "EXT-X-BYTERANGE", attributes: {}, byteRange: { length: 7 } },
      ],
    ],
    [
      "EXT-X-MAP with BYTERANGE",
      '#EXTM3U\n#EXT-X-MAP:URI="init,1.mp4",BYTERANGE="720@0"\n',
      [
        {
          type: "tag",
          line: 2,
          name: "EXT-X-MAP",
          attributes: { URI: "init,1.mp4" },
          byteRange: { length: 720, offset: 0 },
        },
      ],
    ],
    [
      "EXT-X-PART keeps GAP and BYTERANGE",
      '#EXTM3U\n#EXT-X-PART:DURATION=1,URI="p.mp4",GAP=YES,BYTERANGE="5"\n',
      [
        {
          type: "tag",
          line: 2,
          name: "EXT-X-PART",
          attributes: { DURATION: "1", URI: "p.mp4", GAP: "YES", BYTERANGE: "5" },
          byteRange: { length: 5 },
        },
      ],
    ],
    [
      "tags m3u8-parser does not know, read by our scanner",
      '#EXTM3U\n#EXT-X-SESSION-KEY:METHOD=AES-128,URI="k.key"\n#EXT-X-IMAGE-STREAM-INF:CODECS="jpeg",URI="i.m3u8"\n#EXT-X-GAP\n',
      [
        { type: "tag", line: 2, name: "EXT-X-SESSION-KEY", attributes: { METHOD: "AES-128", URI: "k.key" } },
        {
          type: "tag",
          line: 3,
          name: "EXT-X-IMAGE-STREAM-INF",
          attributes: { CODECS: "jpeg", URI: "i.m3u8" },
        },
        { type: "tag", line: 4, name: "EXT-X-GAP", attributes: {} },
      ],
    ],
    [
      "an EXT-X-KEY m3u8-parser throws on (IV shorter than 8 digits) falls back to our scanner",
      '#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="k.key",IV=0x12\n',
      [
        {
          type: "tag",
          line: 2,
          name: "EXT-X-KEY",
          attributes: { METHOD: "AES-128", URI: "k.key", IV: "0x12" },
        },
      ],
    ],
    [
      "EXT-X-STREAM-INF then its URI line, CRLF",
      '#EXTM3U\r\n#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS="a,b"\r\nv.m3u8\r\n',
      [
        { type: "tag", line: 2, name: "EXT-X-STREAM-INF", attributes: { BANDWIDTH: "1", CODECS: "a,b" } },
        { type: "uri", line: 3, uri: "v.m3u8" },
      ],
    ],
  ])("%s", (_case, text, expected) => {
    expect(tokens(text).filter((token) => !("name" in token && token.name === "EXTM3U"))).toEqual(expected);
  });

  test("a malformed byte range is a MALFORMED_MANIFEST naming its line", () => {
    expect(() => tokens("#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:x\n")).toThrow(
      expect.objectContaining({
        name: "ManifestParseError",
        code: "MALFORMED_MANIFEST",
        message: expect.stringContaining("line 3"),
      }),
    );
  });
});
