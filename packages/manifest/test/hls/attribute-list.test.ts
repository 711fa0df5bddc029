import { describe, expect, test } from "vitest";
import { parseAttributeList } from "../../src/hls/attribute-list.js";

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
