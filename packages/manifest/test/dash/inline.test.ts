import { describe, expect, test } from "vitest";
import { inlineRemoteElements } from "../../src/dash/inline.js";

const HEAD = '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:xlink="http://www.w3.org/1999/xlink">';
const mpd = (body: string) => `${HEAD}${body}</MPD>`;
const remote = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe("inlineRemoteElements", () => {
  test.each([
    [
      "a self-closing remote Period, by two Periods (XML declaration dropped)",
      mpd('<Period id="p0"/><Period xlink:href="p.xml" xlink:actuate="onLoad"/>'),
      { "p.xml": '<?xml version="1.0"?>\n<Period id="p1"/><Period id="p2"/>\n' },
      mpd('<Period id="p0"/><Period id="p1"/><Period id="p2"/>'),
    ],
    [
      "a remote AdaptationSet with content of its own (replaced whole)",
      mpd('<Period><AdaptationSet id="1" xlink:href="a.xml"><Role value="main"/></AdaptationSet></Period>'),
      { "a.xml": '<AdaptationSet id="9"><Representation id="v"/></AdaptationSet>' },
      mpd('<Period><AdaptationSet id="9"><Representation id="v"/></AdaptationSet></Period>'),
    ],
    [
      "an href written with entities and single quotes, matched as the parser reads it",
      mpd("<Period xlink:href='p.xml?a=1&amp;b=2'/>"),
      { "p.xml?a=1&b=2": '<Period id="q"/>' },
      mpd('<Period id="q"/>'),
    ],
    [
      "an empty remote entity: the element goes",
      mpd('<Period id="p0"/><Period xlink:href="none.xml"/>'),
      { "none.xml": '<?xml version="1.0"?>' },
      mpd('<Period id="p0"/>'),
    ],
    [
      "a remote element inside a replaced one goes with it",
      mpd('<Period xlink:href="p.xml"><AdaptationSet xlink:href="a.xml"/></Period>'),
      { "p.xml": '<Period id="new"/>', "a.xml": "<AdaptationSet/>" },
      mpd('<Period id="new"/>'),
    ],
    [
      "links not given, resolve-to-zero and markup in comments stay byte for byte",
      mpd(
        '<!-- <Period xlink:href="p.xml"/> --><Period xlink:href="other.xml"/><Period xlink:href="urn:mpeg:dash:resolve-to-zero:2013"/><Representation xlink:href="p.xml"/>',
      ),
      { "p.xml": '<Period id="x"/>' },
      mpd(
        '<!-- <Period xlink:href="p.xml"/> --><Period xlink:href="other.xml"/><Period xlink:href="urn:mpeg:dash:resolve-to-zero:2013"/><Representation xlink:href="p.xml"/>',
      ),
    ],
  ])("%s", (_case, text, entities, expected) => {
    expect(inlineRemoteElements(text, remote(entities))).toBe(expected);
  });

  test("nothing to inline: the very same string", () => {
    const text = mpd('<Period id="p0"/>');
    expect(inlineRemoteElements(text, remote({}))).toBe(text);
  });

  test.each([
    ["a DTD in the remote entity", '<!DOCTYPE x [<!ENTITY a "b">]><Period/>', "XML_DTD_REFUSED"],
    ["text that is no XML element", "not xml", "MALFORMED_MANIFEST"],
  ])("%s is refused: %s", (_case, entity, code) => {
    expect(() =>
      inlineRemoteElements(mpd('<Period xlink:href="p.xml"/>'), remote({ "p.xml": entity })),
    ).toThrow(expect.objectContaining({ code }));
  });
});
