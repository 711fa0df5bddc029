import { describe, expect, test } from "vitest";
import { readMpdXml as parseXml } from "../../src/dash/index.js";
import { resolveXlinks, xlinkHrefOf } from "../../src/dash/xlink.js";
import { RemoteElementsNeededError } from "../../src/errors.js";
import type { XmlElement } from "../../src/xml.js";

const XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"';
const mpd = (body: string, declarations = XLINK) =>
  `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" ${declarations}>${body}</MPD>`;

/** The tree as `Name#id(children)`, enough to see which elements are left. */
function outline(element: XmlElement): string {
  const id = element.attributes.get("id");
  const name = id === undefined ? element.name : `${element.name}#${id}`;
  return element.children.length === 0 ? name : `${name}(${element.children.map(outline).join(",")})`;
}

describe("resolveXlinks asks for remote elements (onLoad and onRequest alike)", () => {
  test.each([
    [
      "a remote Period (onLoad)",
      mpd(
        '<Period id="p0"/><Period id="p1" xlink:href="https://example.com/remote-period.xml" xlink:actuate="onLoad"/>',
      ),
      'Period id="p1" is a remote element (xlink:href="https://example.com/remote-period.xml")',
    ],
    [
      "a remote Period without @xlink:actuate (onRequest by default)",
      mpd('<Period xlink:href="period.xml"/>'),
      'Period[1] is a remote element (xlink:href="period.xml")',
    ],
    [
      "a remote AdaptationSet without @id, named by its place",
      mpd('<Period id="p0"><AdaptationSet/><AdaptationSet xlink:href="audio.xml"/></Period>'),
      'Period id="p0" > AdaptationSet[2] is a remote element (xlink:href="audio.xml")',
    ],
    [
      "a remote EventStream",
      mpd('<Period id="p0"><EventStream xlink:href="events.xml"/></Period>'),
      'Period id="p0" > EventStream[1] is a remote element (xlink:href="events.xml")',
    ],
    [
      "a remote SegmentList inside a Representation",
      mpd(
        '<Period id="p0"><AdaptationSet id="1"><Representation id="v"><SegmentList xlink:href="list.xml"/></Representation></AdaptationSet></Period>',
      ),
      'Period id="p0" > AdaptationSet id="1" > Representation id="v" > SegmentList[1] is a remote element (xlink:href="list.xml")',
    ],
    [
      "a remote InitializationSet",
      mpd('<InitializationSet id="i" xlink:href="init-set.xml"/><Period/>'),
      'InitializationSet id="i" is a remote element (xlink:href="init-set.xml")',
    ],
    [
      "a remote UrlQueryInfo (Annex I) in a descriptor",
      mpd(
        '<Period><AdaptationSet><EssentialProperty schemeIdUri="urn:mpeg:dash:urlparam:2014"><up:UrlQueryInfo xmlns:up="urn:mpeg:dash:schema:urlparam:2014" xlink:href="query.xml"/></EssentialProperty></AdaptationSet></Period>',
      ),
      'Period[1] > AdaptationSet[1] > EssentialProperty[1] > UrlQueryInfo[1] is a remote element (xlink:href="query.xml")',
    ],
    [
      "the xlink namespace bound to another prefix",
      mpd('<Period id="p1" xl:href="remote.xml"/>', 'xmlns:xl="http://www.w3.org/1999/xlink"'),
      'Period id="p1" is a remote element (xlink:href="remote.xml")',
    ],
    [
      "an empty @xlink:href",
      mpd('<Period id="p1" xlink:href=""/>'),
      'Period id="p1" is a remote element (xlink:href="")',
    ],
    [
      "the first remote element in document order",
      mpd(
        '<Period id="a"><AdaptationSet id="1" xlink:href="one.xml"/></Period><Period id="b" xlink:href="two.xml"/>',
      ),
      'Period id="a" > AdaptationSet id="1" is a remote element (xlink:href="one.xml")',
    ],
  ])("%s", (_case, text, message) => {
    expect(() => resolveXlinks(parseXml(text))).toThrow(
      expect.objectContaining({
        name: "RemoteElementsNeededError",
        code: "REMOTE_ELEMENTS_NEEDED",
        message: expect.stringContaining(message),
      }),
    );
  });

  test("lists every href once, in document order, the first one in the message", () => {
    const text = mpd(
      '<Period id="a" xlink:href="one.xml"/><Period id="b"><AdaptationSet xlink:href="two.xml"/></Period><Period xlink:href="one.xml"/>',
    );
    let caught: unknown;
    try {
      resolveXlinks(parseXml(text));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RemoteElementsNeededError);
    expect((caught as RemoteElementsNeededError).hrefs).toEqual(["one.xml", "two.xml"]);
    expect((caught as Error).message).toMatch(
      /^Period id="a" is a remote element \(xlink:href="one\.xml"\) \(and 2 more\): its content must be fetched and inlined/,
    );
  });
});

describe("resolveXlinks removes resolve-to-zero elements", () => {
  const ZERO = "urn:mpeg:dash:resolve-to-zero:2013";
  test.each([
    [
      "a Period between two others",
      mpd(`<Period id="p0"/><Period id="p1" xlink:href="${ZERO}"/><Period id="p2"/>`),
      "MPD(Period#p0,Period#p2)",
    ],
    [
      "an AdaptationSet, deep inside",
      mpd(`<Period id="p0"><AdaptationSet id="1"/><AdaptationSet id="2" xlink:href="${ZERO}"/></Period>`),
      "MPD(Period#p0(AdaptationSet#1))",
    ],
    [
      "the first child, with a later sibling kept",
      mpd(`<Period id="p0" xlink:href="${ZERO}"/><Period id="p1"/>`),
      "MPD(Period#p1)",
    ],
    [
      "with everything inside it, a remote element included",
      mpd(
        `<Period id="p0" xlink:href="${ZERO}"><AdaptationSet xlink:href="https://example.com/a.xml"/></Period><Period id="p1"/>`,
      ),
      "MPD(Period#p1)",
    ],
    [
      "written with surrounding spaces (xs:anyURI collapses whitespace)",
      mpd(`<Period id="p0"/><Period id="p1" xlink:href=" ${ZERO} "/>`),
      "MPD(Period#p0)",
    ],
    [
      "under another prefix",
      mpd(`<Period id="p0" x:href="${ZERO}"/><Period id="p1"/>`, 'xmlns:x="http://www.w3.org/1999/xlink"'),
      "MPD(Period#p1)",
    ],
  ])("%s", (_case, text, expected) => {
    expect(outline(resolveXlinks(parseXml(text)))).toBe(expected);
  });
});

describe("resolveXlinks leaves other MPDs alone", () => {
  test.each([
    [
      "no xlink at all",
      mpd('<Period id="p0"><AdaptationSet><Representation id="v"/></AdaptationSet></Period>'),
    ],
    ["@xlink:actuate without @xlink:href", mpd('<Period id="p0" xlink:actuate="onLoad"/>')],
    [
      "an href on an element the schema gives no xlink (ParentalRating, Representation)",
      mpd(
        '<ProgramInformation><ParentalRating href="urn:dvb:iptv:rating:2014:15"/></ProgramInformation><Period><AdaptationSet><Representation id="v" xlink:href="r.xml"/></AdaptationSet></Period>',
      ),
    ],
  ])("%s: the same tree comes back", (_case, text) => {
    const tree = parseXml(text);
    expect(resolveXlinks(tree)).toBe(tree);
  });
});

describe("xlinkHrefOf", () => {
  test.each([
    ["Period", '<Period xlink:href="a.xml"/>', "a.xml"],
    ["AdaptationSet", '<AdaptationSet xlink:href="b.xml"/>', "b.xml"],
    ["EventStream", '<EventStream xlink:href="c.xml"/>', "c.xml"],
    ["SegmentList", '<SegmentList xlink:href="d.xml"/>', "d.xml"],
    ["ExtHttpHeaderInfo", '<ExtHttpHeaderInfo xlink:href="e.xml"/>', "e.xml"],
    ["Representation (no xlink in the schema)", '<Representation xlink:href="f.xml"/>', undefined],
    ["Period without xlink", '<Period id="p"/>', undefined],
  ])("%s", (_case, element, href) => {
    const period = parseXml(mpd(element)).children[0] as XmlElement;
    expect(xlinkHrefOf(period)).toBe(href);
  });
});
