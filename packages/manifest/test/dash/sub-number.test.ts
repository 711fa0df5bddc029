// $SubNumber$ (ISO/IEC 23009-1:2022): the cases the sub-number fixture does not show.
import { describe, expect, test } from "vitest";
import { parseManifest } from "../../src/parse.js";

const mpd = (
  template: string,
) => `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT8S">
  <Period><AdaptationSet mimeType="video/mp4">${template}<Representation id="v" bandwidth="1"/></AdaptationSet></Period></MPD>`;

describe("$SubNumber$", () => {
  test("S elements with different S@k are refused rather than guessed", () => {
    const text = mpd(
      '<SegmentTemplate media="s-$Number$-$SubNumber$.m4s"><SegmentTimeline><S t="0" d="4" k="2"/><S d="4" k="3"/></SegmentTimeline></SegmentTemplate>',
    );
    expect(() => parseManifest(text)).toThrow(expect.objectContaining({ code: "UNSUPPORTED_FEATURE" }));
  });

  test("without $SubNumber$ in @media, k changes nothing (one file per Segment Sequence)", () => {
    const text = mpd('<SegmentTemplate media="s-$Number$.m4s" duration="4" k="3"/>');
    expect(parseManifest(text).references.map((reference) => reference.uri)).toEqual(["s-1.m4s", "s-2.m4s"]);
  });

  test("every sub-segment counts against the resource limit", () => {
    const text = mpd('<SegmentTemplate media="s-$Number$-$SubNumber$.m4s" duration="4" k="1000"/>');
    expect(() => parseManifest(text, { limits: { maxResources: 1500 } })).toThrow(
      expect.objectContaining({ code: "TOO_MANY_RESOURCES" }),
    );
    expect(parseManifest(text, { limits: { maxResources: 2500 } }).references).toHaveLength(2000);
  });

  test.each(["0", "-1", "1.5"])("SegmentTemplate@k=%s is malformed", (k) => {
    expect(() =>
      parseManifest(mpd(`<SegmentTemplate media="s-$SubNumber$.m4s" duration="4" k="${k}"/>`)),
    ).toThrow(expect.objectContaining({ code: "MALFORMED_MANIFEST" }));
  });
});
