/**
 * MssPackage: each source rendition is first remuxed into a plain MP4 (ffmpeg's smoothstreaming muxer cannot
 * take ADTS audio from TS directly), then the smoothstreaming muxer writes the client Manifest and the
 * `QualityLevels({bitrate})/Fragments({type}={start time})` files a Smooth origin serves (MS-SSTR §2.2.2).
 * Fragment URLs are relative to the Manifest, so MSS keeps everything under `<name>.ism/` in the manifest dir.
 */
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { PackagingError } from "../errors.js";
import { runFfmpeg } from "../ffmpeg/run.js";
import type { LocalVariant, SourceLayout } from "./source-layout.js";
import { type PackagingTarget, TS_TO_MP4_ARGS } from "./target.js";

export async function packageMss(
  source: SourceLayout,
  variants: readonly LocalVariant[],
  target: PackagingTarget,
): Promise<string> {
  const bitrates = new Set(variants.map((variant) => variant.bandwidth));
  if (bitrates.size !== variants.length) {
    // QualityLevels({bitrate}) is the fragment directory: equal bitrates would overwrite each other.
    throw new PackagingError("MSS needs a different BANDWIDTH for every variant");
  }
  const intermediates = join(target.segmentDir, "mp4");
  await mkdir(intermediates, { recursive: true });
  const videoFiles: string[] = [];
  for (const [index, variant] of variants.entries()) {
    const file = join(intermediates, `video_${index}.mp4`);
    await runFfmpeg(["-i", variant.path, "-map", "0:v:0", "-c", "copy", ...TS_TO_MP4_ARGS, file], {
      signal: target.signal,
    });
    videoFiles.push(file);
  }
  let audioFile: string | undefined;
  if (source.audio) {
    audioFile = join(intermediates, "audio.mp4");
    await runFfmpeg(["-i", source.audio.path, "-map", "0:a:0", "-c", "copy", ...TS_TO_MP4_ARGS, audioFile], {
      signal: target.signal,
    });
  }

  const ism = join(target.segmentDir, "ism");
  const inputs = [...videoFiles, ...(audioFile ? [audioFile] : [])];
  await runFfmpeg(
    [
      ...inputs.flatMap((file) => ["-i", file]),
      ...inputs.flatMap((_, index) => ["-map", `${index}:${index < videoFiles.length ? "v" : "a"}:0`]),
      "-c",
      "copy",
      ...variants.flatMap((variant, index) => [`-b:v:${index}`, String(variant.bandwidth)]),
      ...(source.audio ? ["-b:a:0", String(source.audio.bitrate)] : []),
      // VOD: keep every fragment (window 0) and write a final, non-live Manifest.
      ...["-f", "smoothstreaming", "-window_size", "0", "-extra_window_size", "0"],
      ...["-min_frag_duration", String(target.segmentSeconds * 1_000_000)],
      ism,
    ],
    { signal: target.signal },
  );
  await dropFragmentInfo(ism);
  const entryDir = `${target.manifestName}.ism`;
  await rename(ism, join(target.manifestDir, entryDir));
  await rm(intermediates, { recursive: true, force: true });
  return `${entryDir}/Manifest`;
}

/** The muxer also writes `FragmentInfo(…)` files for live ingest; a Smooth origin does not serve them. */
async function dropFragmentInfo(ism: string): Promise<void> {
  for (const entry of await readdir(ism, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const name of await readdir(join(ism, entry.name))) {
      if (name.startsWith("FragmentInfo(")) await rm(join(ism, entry.name, name));
    }
  }
}
