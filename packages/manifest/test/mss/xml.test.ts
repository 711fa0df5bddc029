import { describe, expect, test } from "vitest";
import { ManifestLimitError, ManifestParseError } from "../../src/errors.js";
import { childNamed, childrenNamed, decodeXmlReferences, parseXml, refuseDtd } from "../../src/xml.js";

describe("refuseDtd", () => {
  test.each([
    ["a DOCTYPE with an internal subset", '<!DOCTYPE a [<!ENTITY x "y">]><a/>'],
    ["a DOCTYPE with an external identifier", '<!DOCTYPE a SYSTEM "http://evil.example/a.dtd"><a/>'],
    ["a lower-case doctype", "<!doctype a><a/>"],
    ["a stray ENTITY declaration", '<a><!ENTITY x "y"></a>'],
  ])("refuses %s", (_name, text) => {
    expect(() => refuseDtd(text)).toThrow(
      expect.objectContaining({ name: "ManifestLimitError", code: "XML_DTD_REFUSED" }),
    );
  });

  test.each([
    ["an XML declaration and a comment", '<?xml version="1.0"?><!-- no declaration here --><a/>'],
    ["CDATA", "<a><![CDATA[x]]></a>"],
  ])("accepts %s", (_name, text) => {
    expect(() => refuseDtd(text)).not.toThrow();
  });
});

describe("decodeXmlReferences", () => {
  test.each([
    ["predefined entities", "a?x=1&amp;y=&lt;2&gt;&quot;&apos;", "a?x=1&y=<2>\"'"],
    ["decimal and hexadecimal character references", "&#123;start&#x20;time&#x7D;", "{start time}"],
    ["an HTML entity, left as written", "&nbsp;&copy;", "&nbsp;&copy;"],
    ["a code point beyond Unicode, left as written", "&#x110000;", "&#x110000;"],
    ["no reference at all", "plain", "plain"],
  ])("%s", (_name, text, expected) => {
    expect(decodeXmlReferences(text)).toBe(expected);
  });
});

describe("parseXml", () => {
  test.each([
    ["an unclosed element", "<a><b></a>"],
    ["a repeated attribute", '<a x="1" x="2"/>'],
    ["no element at all", "just text"],
    ["an empty text", ""],
  ])("turns %s into MALFORMED_MANIFEST", (_name, text) => {
    expect(() => parseXml(text)).toThrow(ManifestParseError);
    expect(() => parseXml(text)).toThrow(expect.objectContaining({ code: "MALFORMED_MANIFEST" }));
  });

  test("refuses a DTD before parsing", () => {
    expect(() => parseXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')).toThrow(ManifestLimitError);
  });

  test.each([
    ["entities and character references", "a?x=1&amp;y=&#50;", "a?x=1&y=2"],
    ["a 64-bit number, kept as written", "17000000000000001", "17000000000000001"],
    ["leading zeros, kept as written", "007", "007"],
  ])("keeps attribute values as decoded strings: %s", (_name, written, expected) => {
    expect(parseXml(`<a v="${written}"/>`).attributes.get("v")).toBe(expected);
  });

  test("matches elements and attributes on local names, children in document order", () => {
    const root = parseXml(
      '<?xml version="1.0"?><!-- c --><p:a xmlns:p="urn:x" p:v="1"><p:b n="1"/><c/><p:b n="2"> t </p:b></p:a>',
    );
    expect(root.name).toBe("a");
    expect(root.attributes.get("v")).toBe("1");
    expect(root.children.map((child) => child.name)).toEqual(["b", "c", "b"]);
    expect(childrenNamed(root, "b").map((b) => b.attributes.get("n"))).toEqual(["1", "2"]);
    expect(childNamed(root, "b")?.attributes.get("n")).toBe("1");
    expect(childNamed(root, "missing")).toBeUndefined();
    expect(childrenNamed(root, "b")[1]?.text).toBe("t");
  });
});
