import { describe, expect, test } from "vitest";
import { readMpdXml as parseXml } from "../../src/dash/index.js";
import { flattenRepresentations, segmentInfoOf } from "../../src/dash/inherit.js";
import { readPresentation, timePeriods } from "../../src/dash/presentation.js";
import type { XmlElement } from "../../src/xml.js";

const flatten = (text: string) => {
  const mpd = parseXml(text);
  return flattenRepresentations(mpd, timePeriods(mpd, readPresentation(mpd, undefined)));
};

describe("flattenRepresentations", () => {
  const representations = flatten(`<MPD mediaPresentationDuration="PT4S">
    <BaseURL>https://cdn.example/a/</BaseURL>
    <Period>
      <BaseURL>p/</BaseURL>
      <AdaptationSet mimeType="video/mp4">
        <BaseURL>as/</BaseURL><BaseURL>alternate/</BaseURL>
        <Representation id="one" bandwidth=" 100 "><BaseURL>r/</BaseURL></Representation>
        <Representation id="two" mimeType="image/jpeg"/>
      </AdaptationSet>
      <AdaptationSet contentType="text"><BaseURL></BaseURL><Representation id="three"/></AdaptationSet>
    </Period>
  </MPD>`);

  test.each([
    [0, { id: "one", bandwidth: "100", kind: "media", bases: ["https://cdn.example/a/", "p/", "as/", "r/"] }],
    [1, { id: "two", bandwidth: "", kind: "image", bases: ["https://cdn.example/a/", "p/", "as/"] }],
    [2, { id: "three", bandwidth: "", kind: "subtitle", bases: ["https://cdn.example/a/", "p/"] }],
  ])("Representation %i inherits BaseURLs (first alternate, empty skipped) and kind", (index, expected) => {
    expect(representations[index]).toMatchObject(expected);
  });
  test("each Representation's BaseURL chain is one frozen array", () => {
    expect(representations.every((representation) => Object.isFrozen(representation.bases))).toBe(true);
  });
});

describe("segmentInfoOf", () => {
  const levels = (xml: string): XmlElement[] => {
    const period = parseXml(xml);
    const adaptationSet = period.children.find((child) => child.name === "AdaptationSet") as XmlElement;
    const representation = adaptationSet.children.find(
      (child) => child.name === "Representation",
    ) as XmlElement;
    return [period, adaptationSet, representation];
  };

  test("merges SegmentTemplate attributes and children down the levels, deepest winning", () => {
    const info = segmentInfoOf(
      levels(`<Period><SegmentTemplate timescale="1000" media="p.m4s" startNumber="10">
          <SegmentTimeline><S d="1"/></SegmentTimeline></SegmentTemplate>
        <AdaptationSet><SegmentTemplate media="as.m4s"><Initialization sourceURL="init.mp4"/></SegmentTemplate>
          <Representation><SegmentTemplate startNumber="1"/></Representation></AdaptationSet></Period>`),
    );
    expect(info.mode).toBe("template");
    expect(Object.fromEntries(info.attributes)).toEqual({
      timescale: "1000",
      media: "as.m4s",
      startNumber: "1",
    });
    expect(info.timeline?.raw).toBe('<S d="1"/>');
    expect(info.initialization?.attributes.get("sourceURL")).toBe("init.mp4");
  });
  test.each([
    ["nothing", "<Period><AdaptationSet><Representation/></AdaptationSet></Period>", "none"],
    [
      "SegmentBase below a SegmentTemplate",
      "<Period><SegmentTemplate/><AdaptationSet><Representation><SegmentBase/></Representation></AdaptationSet></Period>",
      "base",
    ],
    [
      "SegmentList at AdaptationSet level",
      "<Period><AdaptationSet><SegmentList/><Representation/></AdaptationSet></Period>",
      "list",
    ],
  ])("addressing mode with %s", (_case, xml, mode) => {
    expect(segmentInfoOf(levels(xml)).mode).toBe(mode);
  });
  test("SegmentURLs come from the deepest level that has any", () => {
    const info = segmentInfoOf(
      levels(`<Period><AdaptationSet><SegmentList><SegmentURL media="as"/></SegmentList>
        <Representation><SegmentList><SegmentURL media="r1"/><SegmentURL media="r2"/></SegmentList></Representation>
        </AdaptationSet></Period>`),
    );
    expect(info.segmentUrls.map((url) => url.attributes.get("media"))).toEqual(["r1", "r2"]);
  });
});
