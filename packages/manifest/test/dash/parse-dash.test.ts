import { describe, expect, test } from "vitest";
import { orderReferences, parseDash } from "../../src/dash/index.js";
import { ResourceBudget, resolveLimits } from "../../src/limits.js";
import type { ParseContext } from "../../src/parse.js";
import type { RawReference } from "../../src/types.js";

const context = (maxResources = 1000): ParseContext => ({
  role: "media",
  now: undefined,
  limits: resolveLimits({ maxResources }),
  budget: new ResourceBudget(maxResources),
});
const bases = Object.freeze(["file.mp4"]);
const ref = (uri: string, kind: RawReference["kind"], offset?: number): RawReference =>
  offset === undefined ? { uri, bases, kind } : { uri, bases, kind, byteRange: { offset, length: 10 } };

describe("orderReferences", () => {
  test.each([
    [
      "init and index in other files come first",
      {
        init: [ref("init.mp4", "init")],
        index: [ref("index.sidx", "media")],
        media: [ref("1.m4s", "media")],
      },
      ["init.mp4", "index.sidx", "1.m4s"],
    ],
    [
      "ranges of the media file itself come after the media",
      { init: [ref("", "init", 0)], index: [ref("", "media", 10)], media: [ref("", "media")] },
      ["", "", ""],
    ],
  ])("%s", (_case, references, uris) => {
    const ordered = orderReferences(references);
    expect(ordered.map((reference) => reference.uri)).toEqual(uris);
    expect(ordered[0]?.kind).toBe(uris[0] === "" ? "media" : "init");
  });
  test("a reference to the Representation's own file when it has no BaseURL (the MPD itself) is dropped", () => {
    const orphan: RawReference = { uri: "", bases: [], kind: "media" };
    expect(orderReferences({ init: [], index: [], media: [orphan] })).toEqual([]);
  });
});

describe("parseDash", () => {
  test("shares one frozen bases array between the references of a Representation", () => {
    const parsed = parseDash(
      `<MPD mediaPresentationDuration="PT4S"><BaseURL>a/</BaseURL><Period><AdaptationSet>
        <SegmentTemplate media="$Number$.m4s" initialization="init.mp4" duration="1"/>
        <Representation id="1"/><Representation id="2"/></AdaptationSet></Period></MPD>`,
      context(),
    );
    expect(parsed.format).toBe("dash");
    expect(parsed.references).toHaveLength(10);
    const [first, second] = [parsed.references.slice(0, 5), parsed.references.slice(5)];
    expect(new Set(first.map((reference) => reference.bases)).size).toBe(1);
    expect(first[0]?.bases).not.toBe(second[0]?.bases);
    expect(Object.isFrozen(first[0]?.bases)).toBe(true);
  });
  test.each([
    ["a SegmentTemplate without @media", '<SegmentTemplate initialization="$RepresentationID$-init.mp4"/>'],
    [
      "a SegmentList without SegmentURL",
      '<SegmentList><Initialization sourceURL="r-init.mp4"/></SegmentList>',
    ],
  ])("%s leaves the BaseURL as the media file", (_case, segments) => {
    const parsed = parseDash(
      `<MPD><Period><AdaptationSet><Representation id="r"><BaseURL>r.mp4</BaseURL>${segments}
        </Representation></AdaptationSet></Period></MPD>`,
      context(),
    );
    expect(parsed.references.map(({ uri, kind }) => ({ uri, kind }))).toEqual([
      { uri: "r-init.mp4", kind: "init" },
      { uri: "", kind: "media" },
    ]);
  });
  test("a duration-based template counts against the budget before expanding", () => {
    const mpd = `<MPD mediaPresentationDuration="PT1000S"><Period><AdaptationSet>
      <SegmentTemplate media="$Number$.m4s" duration="1"/><Representation id="r"/></AdaptationSet></Period></MPD>`;
    expect(() => parseDash(mpd, context(999))).toThrow(
      expect.objectContaining({ name: "ManifestLimitError", code: "TOO_MANY_RESOURCES" }),
    );
    expect(parseDash(mpd, context(1000)).references).toHaveLength(1000);
  });
  test("SegmentList, SegmentURL@index and a per-segment index template", () => {
    const parsed = parseDash(
      `<MPD mediaPresentationDuration="PT2S"><Period><AdaptationSet>
        <Representation id="l"><SegmentList><RepresentationIndex sourceURL="l.sidx" range="0-9"/>
          <SegmentURL media="l1.m4s" index="l1.idx" indexRange="0-3"/></SegmentList></Representation>
        <Representation id="t"><SegmentTemplate media="t$Number$.m4s" index="t$Number$.idx" duration="1"/></Representation>
      </AdaptationSet></Period></MPD>`,
      context(),
    );
    expect(
      parsed.references.map(({ uri, byteRange }) =>
        byteRange ? `${uri}@${byteRange.offset}+${byteRange.length}` : uri,
      ),
    ).toEqual(["l.sidx@0+10", "l1.idx@0+4", "l1.m4s", "t1.idx", "t2.idx", "t1.m4s", "t2.m4s"]);
  });
});
