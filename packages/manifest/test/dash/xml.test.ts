import { describe, expect, test } from "vitest";
import { readMpdXml as parseXml } from "../../src/dash/index.js";
import { childNamed, decodeXmlReferences, refuseDtd } from "../../src/xml.js";

describe("refuseDtd", () => {
  test.each([
    '<?xml version="1.0"?><!DOCTYPE MPD><MPD/>',
    '<!doctype MPD [<!ENTITY a "b">]><MPD/>',
    '<MPD><!ENTITY x "y"></MPD>',
  ])("refuses %s", (text) => {
    expect(() => refuseDtd(text)).toThrow(
      expect.objectContaining({ name: "ManifestLimitError", code: "XML_DTD_REFUSED" }),
    );
  });
  test("accepts an MPD without a DTD", () => {
    expect(() => refuseDtd('<?xml version="1.0"?><MPD type="static"/>')).not.toThrow();
  });
});

describe("decodeXmlReferences", () => {
  test.each([
    ["a&amp;b", "a&b"],
    ["&lt;&gt;&quot;&apos;", "<>\"'"],
    ["&#38;&#x26;", "&&"],
    ["&nbsp;&custom;", "&nbsp;&custom;"],
    ["&#x110000;", "&#x110000;"],
    ["plain", "plain"],
  ])("%s → %s", (text, decoded) => {
    expect(decodeXmlReferences(text)).toBe(decoded);
  });
});

describe("parseXml", () => {
  test("matches elements and attributes on local names", () => {
    const root = parseXml(
      '<m:MPD xmlns:m="urn:mpeg:dash:schema:mpd:2011" xmlns:xlink="http://www.w3.org/1999/xlink">' +
        '<m:Period xlink:href="remote.xml" id="p"><m:BaseURL>a&amp;b/</m:BaseURL></m:Period></m:MPD>',
    );
    const period = childNamed(root, "Period");
    expect(root.name).toBe("MPD");
    expect(period?.attributes.get("href")).toBe("remote.xml");
    expect(period?.attributes.get("id")).toBe("p");
    expect(period && childNamed(period, "BaseURL")?.text).toBe("a&b/");
  });
  test("keeps character data of CDATA sections undecoded, as XML says", () => {
    expect(parseXml("<MPD><BaseURL><![CDATA[x&amp;y/]]></BaseURL></MPD>").children[0]?.text).toBe("x&amp;y/");
  });
  test("keeps a SegmentTimeline's content raw for its own lexer", () => {
    const root = parseXml('<MPD><SegmentTimeline><S t="0" d="1"/></SegmentTimeline></MPD>');
    expect(root.children[0]).toMatchObject({
      name: "SegmentTimeline",
      raw: '<S t="0" d="1"/>',
      children: [],
    });
  });
  test("an attribute named like an Object property is read, or refused with a typed error", () => {
    expect(parseXml('<MPD toString="y"/>').attributes.size).toBe(1);
    expect(() => parseXml('<MPD constructor="x"/>')).toThrow(
      expect.objectContaining({ code: "MALFORMED_MANIFEST" }),
    );
  });
  test.each([
    "<MPD><Period a='1'><Adapt",
    "<MPD><SegmentTimeline><S/>",
    "<MPD><Period><AdaptationSet></Period></MPD>",
    "",
  ])("turns malformed XML %j into a typed error", (text) => {
    expect(() => parseXml(text)).toThrow(
      expect.objectContaining({ name: "ManifestParseError", code: "MALFORMED_MANIFEST" }),
    );
  });
});
