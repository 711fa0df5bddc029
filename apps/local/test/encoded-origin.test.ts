/**
 * A real HLS asset (ffmpeg-generated: two renditions, audio, subtitles) served by an origin that gzips every
 * response although asked for identity, harvested to a directory, then played by ffmpeg from the copy: the stored
 * files are the decoded ones a player needs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { harvest } from "@vod-harvest/harvest";
import { createDirectorySink } from "@vod-harvest/s3-sink";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type GeneratedSource, generateSource } from "../src/index.js";
import { decodeAll, skipWithoutFfmpeg, videoFrameCounts } from "./probe.js";

describe.skipIf(skipWithoutFfmpeg("the encoded-origin playback test"))(
  "an origin that gzips everything",
  () => {
    let work: string;
    let source: GeneratedSource;
    let origin: TestOrigin;

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "vod-harvest-encoded-"));
      source = await generateSource({
        dir: join(work, "source"),
        seconds: 4,
        renditions: [
          { width: 320, height: 180, videoBitrateKbps: 300 },
          { width: 480, height: 270, videoBitrateKbps: 600 },
        ],
      });
      origin = await startTestOrigin({ root: source.dir });
      origin.addFault(/./, { kind: "encode", encoding: "gzip" });
    }, 120_000);

    afterAll(async () => {
      await origin?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    test("copies COMPLETE and the copy decodes every frame of every rendition", async () => {
      const copy = join(work, "copy");
      const result = await harvest({ entryUrl: origin.urlOf(source.entry) }, createDirectorySink(copy));
      expect(result).toMatchObject({ status: "COMPLETE", failed: [], objects: source.files.length });
      expect(origin.requests.every((request) => request.headers["accept-encoding"] === "identity")).toBe(
        true,
      );
      expect(origin.requests.filter((request) => request.fault === "encode").length).toBe(
        source.files.length,
      );

      const entry = join(copy, source.entry);
      expect(await decodeAll(entry)).toBe("");
      const frames = await videoFrameCounts(entry);
      expect(frames.length).toBeGreaterThanOrEqual(2);
      for (const count of frames) expect(count).toBe(source.framesPerRendition);
    }, 120_000);
  },
);
