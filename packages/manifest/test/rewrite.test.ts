import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ManifestParseError, UnsafeReferenceError } from "../src/errors.js";
import { attributeSpans } from "../src/hls/attribute-list.js";
import { parseManifest } from "../src/parse.js";
import {
  dashReferenceSpans,
  encodeXmlText,
  hlsReferenceSpans,
  isAbsoluteReference,
  relativeReference,
  rewriteManifest,
  storagePath,
} from "../src/rewrite.js";
import type { ParsedManifest, RawReference } from "../src/types.js";
import { decodeXmlReferences } from "../src/xml.js";

const ROOT = "https://origin.example/out/v1/group/";

describe("isAbsoluteReference", () => {
  test.each([
    ["https://h/a.ts", true],
    ["HTTP://h/a.ts", true],
    ["//h/a.ts", true],
    ["/a/b.ts", true],
    ["a/b.ts", false],
    ["../a.ts", false],
    ["seg:1.ts", true], // reads as a scheme: a relative reference to it needs "./"
    ["", false],
  ])("%s → %s", (reference, expected) => {
    expect(isAbsoluteReference(reference)).toBe(expected);
  });
});

describe("relativeReference", () => {
  test.each([
    ["index.m3u8", "video/seg1.ts", "video/seg1.ts"],
    ["video/index.m3u8", "video/seg1.ts", "seg1.ts"],
    ["video/index.m3u8", "audio/en/a1.aac", "../audio/en/a1.aac"],
    ["a/b/c/m.m3u8", "a/x.ts", "../../x.ts"],
    ["a/b/m.mpd", "a/b/", "./"],
    ["m.mpd", "video/", "video/"],
    ["a/m.mpd", "video/", "../video/"],
    ["m.m3u8", "x:y.ts", "./x:y.ts"],
    ["hls/m.m3u8", "_external/cdn.example/k/key.bin", "../_external/cdn.example/k/key.bin"],
    ["m.m3u8", "m.m3u8", "m.m3u8"],
  ])("from %s to %s → %s", (from, to, expected) => {
    expect(relativeReference(from, to)).toBe(expected);
  });
});

describe("storagePath", () => {
  const root = new URL(ROOT);
  test.each([
    ["https://origin.example/out/v1/group/hls/a%20b.ts?token=1", "hls/a%20b.ts"],
    ["https://origin.example/out/v1/group/", ""],
    ["https://cdn.example:8443/keys/k1.key", "_external/cdn.example:8443/keys/k1.key"],
  ])("%s → %s", (url, expected) => {
    expect(storagePath(new URL(url), root)).toBe(expected);
  });

  test("refuses a URL on the origin outside root", () => {
    expect(() => storagePath(new URL("https://origin.example/out/v1/other/a.ts"), root)).toThrow(
      UnsafeReferenceError,
    );
  });
});

/** The spans as the first version read them (a regular expression per line, every tag line's attributes): the oracle. */
function regexHlsSpans(text: string): Array<{ start: number; end: number; value: string }> {
  const spans: Array<{ start: number; end: number; value: string }> = [];
  const trimmed = (start: number, end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const trail = raw.length - raw.trimEnd().length;
    return { start: start + lead, end: end - trail, value: text.slice(start + lead, end - trail) };
  };
  const lines = /[^\r\n]+/g;
  for (let line = lines.exec(text); line; line = lines.exec(text)) {
    const start = line.index;
    const content = line[0];
    if (content.trim() === "") continue;
    if (!content.startsWith("#")) {
      spans.push(trimmed(start, start + content.length));
      continue;
    }
    if (!content.startsWith("#EXT")) continue;
    const colon = content.indexOf(":");
    if (colon < 0) continue;
    for (const attribute of attributeSpans(content, colon + 1)) {
      if (attribute.name === "URI" && attribute.quoted)
        spans.push(trimmed(start + attribute.valueStart, start + attribute.valueEnd));
    }
  }
  return spans;
}

describe("HLS reference spans", () => {
  test("only real URI attributes: a `URI=` inside another attribute's quoted value is text", () => {
    const text = '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,NAME="see,URI=",URI="audio.m3u8"\nvideo.m3u8\n';
    const spans = hlsReferenceSpans(text);
    expect(spans.map((span) => span.value)).toEqual(["audio.m3u8", "video.m3u8"]);
    for (const span of spans) expect(text.slice(span.start, span.end)).toBe(span.value);
  });

  test.each([
    ["LF", "#EXTM3U\n#EXTINF:4,\nseg1.ts\n#EXTINF:4,\nseg2.ts\n"],
    ["CRLF, no final newline", "#EXTM3U\r\n#EXTINF:4,\r\nseg1.ts\r\n#EXTINF:4,\r\nseg2.ts"],
    ["CR only", '#EXTM3U\r#EXT-X-MAP:URI="init.mp4"\r#EXTINF:4,\rseg1.m4s\r'],
    ["blank and blank-looking lines", "#EXTM3U\n\n   \n\t\n\u00a0\nseg.ts\n\n"],
    ["blanks around a URI line", "#EXTM3U\n  seg 1.ts\t\n\u00a0seg2.ts\u00a0\n\ufeffseg3.ts\n"],
    ["a tag line indented: a URI line", "#EXTM3U\n  #EXTINF:4,\nseg.ts\n"],
    ["comments and tags without attributes", '#EXTM3U\n# a URI="no.ts" comment\n#EXT-X-ENDLIST\n#EXTURI\n'],
    [
      "URI in a segment name, then a key",
      '#EXTM3U\n#EXTINF:4,\nURI.ts\n#EXT-X-KEY:METHOD=AES-128,URI=" k.key "\nseg.ts\n',
    ],
    [
      "unquoted and unterminated URI attributes",
      '#EXT-X-MAP:URI=init.mp4\n#EXT-X-KEY:URI="k\n#EXT-X-MEDIA:URI="a.m3u8",URI="b.m3u8"\n',
    ],
  ])("the same spans as the first version: %s", (_, text) => {
    expect(hlsReferenceSpans(text)).toEqual(regexHlsSpans(text));
  });

  test("the same spans as the first version for any text of playlist characters", () => {
    const piece = fc.constantFrom(
      "#EXT",
      "#EXTINF:4,",
      "-X-KEY:",
      "URI=",
      '"',
      ",",
      "seg.ts",
      "a",
      " ",
      "\t",
      "\n",
      "\r",
      "\u00a0",
      ":",
      "#",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join("");
        expect(hlsReferenceSpans(text)).toEqual(regexHlsSpans(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("XML text", () => {
  test.each([
    ["a&amp;b", "a&b"],
    ["&lt;&gt;&quot;&apos;", `<>"'`],
    ["&#38;&#x26;", "&&"],
    ["&unknown;", "&unknown;"],
    // XML names are case-sensitive, and a reference past U+10FFFF is not a character: both stay as written.
    ["&AMP;", "&AMP;"],
    ["&#x110000;", "&#x110000;"],
  ])("a reference span decodes %s as XML does (the parser's own decoder)", (raw, decoded) => {
    const text = `<MPD><BaseURL>${raw}</BaseURL></MPD>`;
    expect(dashReferenceSpans(text).map((span) => span.value)).toEqual([decoded]);
    expect(decodeXmlReferences(raw)).toBe(decoded);
  });
  test("encode escapes the five special characters", () => {
    expect(encodeXmlText(`a&b<c>"d'`)).toBe("a&amp;b&lt;c&gt;&quot;d&apos;");
  });
});

const ref = (
  uri: string,
  bases: readonly string[] = [],
  kind: RawReference["kind"] = "media",
): RawReference => ({
  uri,
  bases,
  kind,
});

describe("rewriteManifest: HLS", () => {
  test.each([
    {
      name: "absolute and path-absolute URI lines; relative lines, comments and CRLF untouched",
      manifestUrl: `${ROOT}hls/video/index.m3u8`,
      text:
        "#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n# see https://origin.example/out/v1/group/doc\r\n" +
        "#EXTINF:6,\r\nhttps://origin.example/out/v1/group/hls/video/seg1.ts\r\n" +
        "#EXTINF:6,\r\n/out/v1/group/hls/video/seg2.ts\r\n" +
        "#EXTINF:6,\r\nseg3.ts\r\n#EXT-X-ENDLIST\r\n",
      expected:
        "#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n# see https://origin.example/out/v1/group/doc\r\n" +
        "#EXTINF:6,\r\nseg1.ts\r\n" +
        "#EXTINF:6,\r\nseg2.ts\r\n" +
        "#EXTINF:6,\r\nseg3.ts\r\n#EXT-X-ENDLIST\r\n",
      rewritten: 2,
    },
    {
      name: "URI attributes of EXT-X-KEY and EXT-X-MAP, other attributes kept",
      manifestUrl: `${ROOT}hls/video/index.m3u8`,
      text:
        '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-KEY:METHOD=AES-128,URI="https://origin.example/out/v1/group/keys/k1.key",IV=0x1\n' +
        '#EXT-X-MAP:URI="/out/v1/group/hls/init.mp4"\n#EXTINF:4,\nseg1.m4s\n#EXT-X-ENDLIST\n',
      expected:
        '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-KEY:METHOD=AES-128,URI="../../keys/k1.key",IV=0x1\n' +
        '#EXT-X-MAP:URI="../init.mp4"\n#EXTINF:4,\nseg1.m4s\n#EXT-X-ENDLIST\n',
      rewritten: 2,
    },
    {
      name: "multivariant: query dropped, allowed external host under _external/",
      manifestUrl: `${ROOT}index.m3u8`,
      text:
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\nhttps://origin.example/out/v1/group/v/1.m3u8?t=abc\n" +
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="https://cdn.example/a/en.m3u8"\n',
      expected:
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\nv/1.m3u8\n" +
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="_external/cdn.example/a/en.m3u8"\n',
      rewritten: 2,
    },
  ])("$name", ({ manifestUrl, text, expected, rewritten }) => {
    const parsed = parseManifest(text);
    const result = rewriteManifest(text, { manifestUrl: new URL(manifestUrl), root: ROOT, parsed });
    expect(result.text).toBe(expected);
    expect(result.rewritten).toBe(rewritten);
    expect(result.kept).toEqual([]);
  });

  test("a relative-only manifest is returned as the very same text", () => {
    const text = "#EXTM3U\n#EXTINF:6,\nseg1.ts\n#EXTINF:6,\n../x/seg2.ts\n#EXT-X-ENDLIST\n";
    const result = rewriteManifest(text, {
      manifestUrl: new URL(`${ROOT}hls/index.m3u8`),
      root: ROOT,
      parsed: parseManifest(text),
    });
    expect(result).toEqual({ text, rewritten: 0, kept: [] });
  });

  test("an absolute reference the parse did not produce is kept and reported", () => {
    const text =
      '#EXTM3U\n#EXT-X-SESSION-DATA:DATA-ID="x",URI="https://other.example/d.json"\n#EXTINF:6,\nseg1.ts\n';
    const parsed: ParsedManifest = { format: "hls-media", references: [ref("seg1.ts")] };
    const result = rewriteManifest(text, { manifestUrl: new URL(`${ROOT}index.m3u8`), root: ROOT, parsed });
    expect(result.text).toBe(text);
    expect(result.kept).toEqual(["https://other.example/d.json"]);
  });

  test("a reference outside the root cannot be made relative: refused", () => {
    const text = "#EXTM3U\n#EXTINF:6,\n/elsewhere/seg1.ts\n";
    const parsed: ParsedManifest = { format: "hls-media", references: [ref("/elsewhere/seg1.ts")] };
    expect(() =>
      rewriteManifest(text, { manifestUrl: new URL(`${ROOT}index.m3u8`), root: ROOT, parsed }),
    ).toThrow(UnsafeReferenceError);
  });
});

describe("rewriteManifest: DASH and MSS (parses given by hand: the text is all that matters here)", () => {
  test("BaseURL, SegmentTemplate prefix, sourceURL; entities decoded for matching and escaped on output", () => {
    const text = [
      '<?xml version="1.0"?>',
      '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static">',
      "  <BaseURL> https://origin.example/out/v1/group/dash/ </BaseURL>",
      "  <Period><AdaptationSet>",
      '    <SegmentTemplate initialization="https://origin.example/out/v1/group/dash/v/init.mp4?a=1&amp;b=2"',
      '      media="https://origin.example/out/v1/group/dash/v/$Number%05d$.m4s" startNumber="1"/>',
      '    <Representation id="v1"/>',
      "  </AdaptationSet><AdaptationSet>",
      "    <Representation id=\"t\"><SegmentList><SegmentURL media='/out/v1/group/subs/t1.vtt'/></SegmentList>",
      "    </Representation>",
      '    <Representation id="r"><SegmentList><SegmentURL media="rel/t2.vtt"/></SegmentList></Representation>',
      "  </AdaptationSet></Period>",
      "</MPD>",
    ].join("\n");
    const base = ["https://origin.example/out/v1/group/dash/"];
    const parsed: ParsedManifest = {
      format: "dash",
      references: [
        ref("https://origin.example/out/v1/group/dash/v/init.mp4?a=1&b=2", base, "init"),
        ref("https://origin.example/out/v1/group/dash/v/00001.m4s", base),
        ref("/out/v1/group/subs/t1.vtt", base, "subtitle"),
        ref("rel/t2.vtt", base, "subtitle"),
      ],
    };
    const result = rewriteManifest(text, {
      manifestUrl: new URL(`${ROOT}dash/manifest.mpd`),
      root: ROOT,
      parsed,
    });
    expect(result.text).toBe(
      [
        '<?xml version="1.0"?>',
        '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static">',
        "  <BaseURL> ./ </BaseURL>",
        "  <Period><AdaptationSet>",
        '    <SegmentTemplate initialization="v/init.mp4"',
        '      media="v/$Number%05d$.m4s" startNumber="1"/>',
        '    <Representation id="v1"/>',
        "  </AdaptationSet><AdaptationSet>",
        "    <Representation id=\"t\"><SegmentList><SegmentURL media='../subs/t1.vtt'/></SegmentList>",
        "    </Representation>",
        '    <Representation id="r"><SegmentList><SegmentURL media="rel/t2.vtt"/></SegmentList></Representation>',
        "  </AdaptationSet></Period>",
        "</MPD>",
      ].join("\n"),
    );
    expect(result.rewritten).toBe(4);
  });

  test("a path-absolute reference under an external BaseURL resolves on that host", () => {
    const text =
      '<MPD><BaseURL>https://cdn.example/v/</BaseURL><SegmentList><SegmentURL media="/w/s1.m4s"/></SegmentList></MPD>';
    const parsed: ParsedManifest = {
      format: "dash",
      references: [ref("/w/s1.m4s", ["https://cdn.example/v/"])],
    };
    const result = rewriteManifest(text, { manifestUrl: new URL(`${ROOT}m.mpd`), root: ROOT, parsed });
    expect(result.text).toBe(
      '<MPD><BaseURL>_external/cdn.example/v/</BaseURL><SegmentList><SegmentURL media="_external/cdn.example/w/s1.m4s"/></SegmentList></MPD>',
    );
  });

  test("MSS Url template: the literal directory prefix becomes relative, placeholders kept", () => {
    const text =
      '<SmoothStreamingMedia MajorVersion="2"><StreamIndex Type="video" Url="https://origin.example/out/v1/group/mss/QualityLevels({bitrate})/Fragments(video={start time})">' +
      '<QualityLevel Bitrate="1000"/><c t="0" d="20000000"/></StreamIndex></SmoothStreamingMedia>';
    const parsed: ParsedManifest = {
      format: "mss",
      references: [ref("https://origin.example/out/v1/group/mss/QualityLevels(1000)/Fragments(video=0)")],
    };
    const result = rewriteManifest(text, { manifestUrl: new URL(`${ROOT}mss/Manifest`), root: ROOT, parsed });
    expect(result.text).toBe(
      '<SmoothStreamingMedia MajorVersion="2"><StreamIndex Type="video" Url="./QualityLevels({bitrate})/Fragments(video={start time})">' +
        '<QualityLevel Bitrate="1000"/><c t="0" d="20000000"/></StreamIndex></SmoothStreamingMedia>',
    );
  });

  test("one text naming two targets (path-absolute under two bases) is refused", () => {
    const text = '<MPD><SegmentURL media="/s.m4s"/></MPD>';
    const parsed: ParsedManifest = {
      format: "dash",
      references: [ref("/s.m4s", ["https://a.example/"]), ref("/s.m4s", ["https://b.example/"])],
    };
    expect(() => rewriteManifest(text, { manifestUrl: new URL(`${ROOT}m.mpd`), root: ROOT, parsed })).toThrow(
      ManifestParseError,
    );
  });
});
