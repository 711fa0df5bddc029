import { describe, expect, test } from "vitest";
import { attributeSpans, parseAttributeList } from "../../src/hls/attribute-list.js";

describe("parseAttributeList", () => {
  test.each([
    ["plain values", "METHOD=AES-128,IV=0x01", { METHOD: "AES-128", IV: "0x01" }],
    ["quoted value with commas and =", 'URI="a,b=c.m3u8",TYPE=AUDIO', { URI: "a,b=c.m3u8", TYPE: "AUDIO" }],
    ["unquoted value with =", "X=a=b,Y=1", { X: "a=b", Y: "1" }],
    ["blanks around names and values", ' URI = "x.key" , METHOD= NONE ', { URI: "x.key", METHOD: "NONE" }],
    ["unterminated quote runs to the end", 'URI="open,ended', { URI: "open,ended" }],
    ["junk without = is skipped", 'junk,URI="u"', { URI: "u" }],
    ["empty text", "", {}],
  ])("%s", (_case, text, expected) => {
    expect({ ...parseAttributeList(text) }).toEqual({ ...expected });
  });

  test("__proto__ is an ordinary name: the result has no prototype", () => {
    const attributes = parseAttributeList("__proto__=1,URI=x");
    expect(Object.getPrototypeOf(attributes)).toBeNull();
    expect(Object.entries(attributes)).toEqual([
      ["__proto__", "1"],
      ["URI", "x"],
    ]);
  });
});

describe("attributeSpans", () => {
  /** Each span as the text it covers: `[start, end)` and `[valueStart, valueEnd)`. */
  const covered = (text: string, from?: number) =>
    attributeSpans(text, from).map((span) => [
      span.name,
      span.value,
      span.quoted,
      text.slice(span.start, span.end),
      text.slice(span.valueStart, span.valueEnd),
    ]);

  test.each([
    [
      "quoted and unquoted, blanks outside the spans",
      ' URI = "a,b.m3u8" , METHOD= NONE ',
      0,
      [
        ["URI", "a,b.m3u8", true, 'URI = "a,b.m3u8"', "a,b.m3u8"],
        ["METHOD", "NONE", false, "METHOD= NONE", "NONE"],
      ],
    ],
    [
      "from a tag's colon on",
      '#EXT-X-DEFINE:QUERYPARAM="t"\r',
      14,
      [["QUERYPARAM", "t", true, 'QUERYPARAM="t"', "t"]],
    ],
    ["unterminated quote", 'A="open,x', 0, [["A", "open,x", true, 'A="open,x', "open,x"]]],
    ["junk before a name", 'junk,URI="u"', 0, [["URI", "u", true, 'URI="u"', "u"]]],
    [
      "a repeated name is listed twice",
      "A=1,A=2",
      0,
      [
        ["A", "1", false, "A=1", "1"],
        ["A", "2", false, "A=2", "2"],
      ],
    ],
  ])("%s", (_case, text, from, expected) => {
    expect(covered(text, from)).toEqual(expected);
  });

  test.each([
    ['URI="a,b=c.m3u8",TYPE=AUDIO'],
    ["X=a=b,Y=1"],
    [' URI = "x.key" , METHOD= NONE '],
    ['junk,URI="u"'],
  ])("agrees with parseAttributeList on %j", (text) => {
    const fromSpans = Object.fromEntries(attributeSpans(text).map((span) => [span.name, span.value]));
    expect(fromSpans).toEqual({ ...parseAttributeList(text) });
  });
});
