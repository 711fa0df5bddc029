/**
 * DashPackage: ffmpeg's dash muxer writes init and media segments into the segment directory with the
 * SegmentTemplate form the configuration asks for; the MPD is moved to the manifest directory with its template
 * URLs pointing back through `../`, plus a jpeg thumbnail AdaptationSet made with ffmpeg.
 */
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PackagingError } from "../errors.js";
import { runFfmpeg } from "../ffmpeg/run.js";
import {
  appendToPeriod,
  formatThumbnailAdaptationSet,
  prefixSegmentTemplateUrls,
  presentationSeconds,
  removeStartNumber,
} from "./mpd-edit.js";
import type { LocalVariant, SourceLayout } from "./source-layout.js";
import { type PackagingTarget, planInputs, TS_TO_MP4_ARGS } from "./target.js";

export type SegmentTemplateFormat = "NUMBER_WITH_TIMELINE" | "TIME_WITH_TIMELINE" | "NUMBER_WITH_DURATION";

/** ffmpeg dash muxer options for each SegmentTemplateFormat. */
function templateOptions(format: SegmentTemplateFormat): string[] {
  const byNumber = "index_$RepresentationID$_$Number$.mp4";
  switch (format) {
    case "NUMBER_WITH_TIMELINE":
      return ["-use_timeline", "1", "-media_seg_name", byNumber];
    case "TIME_WITH_TIMELINE":
      return ["-use_timeline", "1", "-media_seg_name", "index_$RepresentationID$_$Time$.mp4"];
    case "NUMBER_WITH_DURATION":
      return ["-use_timeline", "0", "-media_seg_name", byNumber];
  }
}

export async function packageDash(
  source: SourceLayout,
  variants: readonly LocalVariant[],
  format: SegmentTemplateFormat,
  target: PackagingTarget,
): Promise<string> {
  const inputs = planInputs(source, variants);
  const ffmpegMpd = join(target.segmentDir, "ffmpeg.mpd");
  await runFfmpeg(
    [
      ...inputs.inputArgs,
      ...inputs.mapArgs,
      ...["-c", "copy", ...TS_TO_MP4_ARGS, ...inputs.bitrateArgs],
      ...["-f", "dash", "-seg_duration", String(target.segmentSeconds), "-use_template", "1"],
      ...templateOptions(format),
      ...["-init_seg_name", "index_$RepresentationID$_init.mp4"],
      ...["-adaptation_sets", inputs.hasAudio ? "id=0,streams=v id=1,streams=a" : "id=0,streams=v"],
      ffmpegMpd,
    ],
    { signal: target.signal },
  );
  let mpd = prefixSegmentTemplateUrls(await readFile(ffmpegMpd, "utf8"), target.segmentPrefix);
  // $Time$ addressing does not use startNumber; left in, ffmpeg's own DASH reader (5.1) takes it as an index
  // into the SegmentTimeline and skips the first segment.
  if (format === "TIME_WITH_TIMELINE") mpd = removeStartNumber(mpd);
  await rm(ffmpegMpd);
  const smallest = variants.reduce((a, b) => (b.bandwidth < a.bandwidth ? b : a));
  const thumbnails = await makeThumbnails(smallest, presentationSeconds(mpd), target);
  mpd = appendToPeriod(
    mpd,
    formatThumbnailAdaptationSet({
      id: inputs.hasAudio ? 2 : 1,
      media: `${target.segmentPrefix}index_thumbnails_$Number$.jpg`,
      intervalSeconds: target.segmentSeconds,
      ...thumbnails,
    }),
  );
  const entry = `${target.manifestName}.mpd`;
  await writeFile(join(target.manifestDir, entry), mpd);
  return entry;
}

/**
 * One jpeg at the start of every interval: `index_thumbnails_1.jpg` … `_N.jpg`, N = ceil(duration / interval), the
 * count the NUMBER_WITH_DURATION template implies. A different count would make the MPD lie, so it fails.
 */
async function makeThumbnails(variant: LocalVariant, durationSeconds: number, target: PackagingTarget) {
  const interval = target.segmentSeconds;
  const expected = Math.ceil(durationSeconds / interval - 1e-6);
  await runFfmpeg(
    [
      ...["-i", variant.path, "-map", "0:v:0"],
      ...[
        "-vf",
        `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${interval}-0.001)'`,
        "-fps_mode",
        "vfr",
      ],
      ...["-frames:v", String(expected), "-q:v", "5", "-start_number", "1"],
      join(target.segmentDir, "index_thumbnails_%d.jpg"),
    ],
    { signal: target.signal },
  );
  const images = (await readdir(target.segmentDir)).filter((name) => name.startsWith("index_thumbnails_"));
  if (images.length !== expected) {
    throw new PackagingError(
      `thumbnails: made ${images.length} images for ${durationSeconds}s, the MPD implies ${expected}`,
    );
  }
  let largest = 0;
  for (const name of images) largest = Math.max(largest, (await stat(join(target.segmentDir, name))).size);
  const [width, height] = (variant.resolution ?? "0x0").split("x").map(Number);
  return { width: width ?? 0, height: height ?? 0, bandwidth: Math.ceil((largest * 8) / interval) };
}
