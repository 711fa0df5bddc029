/**
 * A real DASH asset (ffmpeg-packaged from a generated source) whose Period is a remote element (xlink:href,
 * onLoad): harvested to a directory, the copy's MPD has the Period inlined, and ffmpeg — which does not fetch
 * remote elements — decodes every frame of it.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { harvest } from "@vod-harvest/harvest";
import { createDirectorySink } from "@vod-harvest/s3-sink";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runFfmpeg } from "../src/ffmpeg/run.js";
import { type GeneratedSource, generateSource } from "../src/index.js";
import { decodeAll, skipWithoutFfmpeg, videoFrameCounts } from "./probe.js";

const XLINK_NS = 'xmlns:xlink="http://www.w3.org/1999/xlink"';

/** Moves the MPD's Period into `period-1.xml` and leaves an onLoad remote element in its place. */
function splitPeriod(mpd: string): { mpd: string; period: string } {
  const start = mpd.indexOf("<Period");
  const end = mpd.indexOf("</Period>") + "</Period>".length;
  if (start < 0 || end < start) throw new Error("ffmpeg wrote no Period");
  const period = mpd.slice(start, end).replace("<Period", '<Period xmlns="urn:mpeg:dash:schema:mpd:2011"');
  let linked = `${mpd.slice(0, start)}<Period xlink:href="period-1.xml" xlink:actuate="onLoad"/>${mpd.slice(end)}`;
  if (!linked.includes(XLINK_NS)) linked = linked.replace("<MPD ", `<MPD ${XLINK_NS} `);
  return { mpd: linked, period: `<?xml version="1.0" encoding="utf-8"?>\n${period}\n` };
}

describe.skipIf(skipWithoutFfmpeg("the xlink playback test"))("a DASH origin with a remote Period", () => {
  let work: string;
  let source: GeneratedSource;
  let origin: TestOrigin;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "vod-harvest-xlink-"));
    source = await generateSource({
      dir: join(work, "source"),
      seconds: 4,
      renditions: [{ width: 320, height: 180, videoBitrateKbps: 300 }],
    });
    const dash = join(work, "dash");
    await mkdir(dash, { recursive: true });
    await runFfmpeg([
      ...["-i", join(source.dir, source.entry), "-map", "0:v:0", "-map", "0:a:0", "-c", "copy"],
      ...["-bsf:a", "aac_adtstoasc", "-tag:v", "avc1", "-tag:a", "mp4a"],
      ...["-f", "dash", "-seg_duration", "2", "-use_template", "1", "-use_timeline", "1"],
      ...[
        "-init_seg_name",
        "init-$RepresentationID$.mp4",
        "-media_seg_name",
        "seg-$RepresentationID$-$Number$.m4s",
      ],
      join(dash, "ffmpeg.mpd"),
    ]);
    const split = splitPeriod(await readFile(join(dash, "ffmpeg.mpd"), "utf8"));
    await rm(join(dash, "ffmpeg.mpd"));
    await writeFile(join(dash, "index.mpd"), split.mpd);
    await writeFile(join(dash, "period-1.xml"), split.period);
    origin = await startTestOrigin({ root: dash });
  }, 120_000);

  afterAll(async () => {
    await origin?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test("copies COMPLETE with the Period inlined, and the copy decodes every frame", async () => {
    const copy = join(work, "copy");
    const result = await harvest({ entryUrl: origin.urlOf("/index.mpd") }, createDirectorySink(copy));
    expect(result).toMatchObject({ status: "COMPLETE", failed: [] });
    expect(origin.count("/period-1.xml")).toBe(1);

    const stored = await readFile(join(copy, "index.mpd"), "utf8");
    expect(stored).not.toContain("xlink:href");
    expect(stored).toContain("<SegmentTemplate");
    const entry = join(copy, "index.mpd");
    expect(await decodeAll(entry)).toBe("");
    expect(await videoFrameCounts(entry)).toEqual([source.framesPerRendition]);
  }, 120_000);
});
