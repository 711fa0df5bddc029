/**
 * HlsPackage (TS segments) and CmafPackage (fMP4 segments, HLS manifests): ffmpeg's hls muxer cuts the media
 * playlists and segments into the segment directory; the emulator then moves the media playlists to the manifest
 * directory with their URIs pointing back through `../`, copies WebVTT subtitles through, and writes the
 * multivariant playlist itself from the source's attributes (ffmpeg's own lacks CODECS with `-c copy`).
 */
import { copyFile, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runFfmpeg } from "../ffmpeg/run.js";
import { listMediaSegments, rewriteMediaPlaylistUris } from "../hls/media-playlist.js";
import { formatMasterPlaylist, type MasterRendition, type MasterVariant } from "../hls/write-master.js";
import type { LocalRendition, LocalVariant, SourceLayout } from "./source-layout.js";
import { type PackagingTarget, planInputs, TS_TO_MP4_ARGS } from "./target.js";

export type HlsSegmentType = "ts" | "fmp4";

const AUDIO_GROUP = "audio_aac";
const SUBTITLE_GROUP = "subtitles";

/** Returns the entry manifest's file name inside the manifest directory. */
export async function packageHls(
  source: SourceLayout,
  variants: readonly LocalVariant[],
  segmentType: HlsSegmentType,
  target: PackagingTarget,
): Promise<string> {
  const names = renditionNames(
    variants.length,
    source.audio !== undefined,
    source.subtitles.length,
    segmentType,
  );
  const inputs = planInputs(source, variants);
  const streamMap = [
    ...variants.map((_, index) => `v:${index},name:${names.video[index]}`),
    ...(inputs.hasAudio ? [`a:0,name:${names.audio}`] : []),
  ].join(" ");
  const extension = segmentType === "ts" ? "ts" : "mp4";
  await runFfmpeg(
    [
      ...inputs.inputArgs,
      ...inputs.mapArgs,
      ...["-c", "copy"],
      ...(segmentType === "fmp4" ? TS_TO_MP4_ARGS : []),
      ...["-f", "hls", "-hls_time", String(target.segmentSeconds), "-hls_playlist_type", "vod"],
      ...(segmentType === "fmp4"
        ? ["-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", "index_%v_init.mp4"]
        : []),
      ...["-hls_segment_filename", join(target.segmentDir, `index_%v_%d.${extension}`)],
      ...["-var_stream_map", streamMap],
      join(target.segmentDir, "index_%v.m3u8"),
    ],
    { signal: target.signal },
  );
  await moveMediaPlaylists(target);
  const subtitleUris = await copySubtitles(source.subtitles, names.subtitles, target);

  const renditions: MasterRendition[] = [];
  if (source.audio) {
    const { name, language } = source.audio;
    renditions.push({
      type: "AUDIO",
      groupId: AUDIO_GROUP,
      name,
      language,
      isDefault: true,
      uri: `index_${names.audio}.m3u8`,
    });
  }
  source.subtitles.forEach((subtitle, index) => {
    const { name, language, isDefault } = subtitle;
    renditions.push({
      type: "SUBTITLES",
      groupId: SUBTITLE_GROUP,
      name,
      language,
      isDefault,
      uri: subtitleUris[index] as string,
    });
  });
  const masterVariants: MasterVariant[] = variants.map((variant, index) => ({
    uri: `index_${names.video[index]}.m3u8`,
    bandwidth: variant.bandwidth,
    resolution: variant.resolution,
    codecs: variant.codecs,
    frameRate: variant.frameRate,
    audioGroup: source.audio ? AUDIO_GROUP : undefined,
    subtitleGroup: source.subtitles.length > 0 ? SUBTITLE_GROUP : undefined,
  }));
  const entry = `${target.manifestName}.m3u8`;
  const version = segmentType === "ts" ? 3 : 6;
  await writeFile(
    join(target.manifestDir, entry),
    formatMasterPlaylist({ version, renditions, variants: masterVariants }),
  );
  return entry;
}

/** TS names renditions `1, 2, 3…` as MediaPackage does (`index_1.m3u8`); CMAF says what each one is. */
export function renditionNames(
  videoCount: number,
  hasAudio: boolean,
  subtitleCount: number,
  segmentType: HlsSegmentType,
) {
  if (segmentType === "ts") {
    const numbers = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => String(from + i));
    const audioNumber = videoCount + 1;
    return {
      video: numbers(1, videoCount),
      audio: hasAudio ? String(audioNumber) : undefined,
      subtitles: numbers(hasAudio ? audioNumber + 1 : audioNumber, subtitleCount),
    };
  }
  const labelled = (label: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${label}_${i + 1}`);
  return {
    video: labelled("video", videoCount),
    audio: hasAudio ? "audio_1" : undefined,
    subtitles: labelled("subtitles", subtitleCount),
  };
}

async function moveMediaPlaylists(target: PackagingTarget): Promise<void> {
  for (const name of await readdir(target.segmentDir)) {
    if (!name.endsWith(".m3u8")) continue;
    const text = await readFile(join(target.segmentDir, name), "utf8");
    await writeFile(
      join(target.manifestDir, name),
      rewriteMediaPlaylistUris(text, (uri) => `${target.segmentPrefix}${uri}`),
    );
    await rm(join(target.segmentDir, name));
  }
}

/** WebVTT passes through: each cue file is copied as it is, its playlist rewritten to the new names. */
async function copySubtitles(
  subtitles: readonly LocalRendition[],
  names: readonly string[],
  target: PackagingTarget,
): Promise<string[]> {
  const playlists: string[] = [];
  for (const [index, subtitle] of subtitles.entries()) {
    const label = names[index] as string;
    const text = await readFile(subtitle.path, "utf8");
    const renamed = new Map<string, string>();
    for (const [number, segment] of listMediaSegments(text).entries()) {
      if (renamed.has(segment.uri)) continue;
      const file = `index_${label}_${number}.vtt`;
      await copyFile(
        fileURLToPath(new URL(segment.uri, pathToFileURL(subtitle.path))),
        join(target.segmentDir, file),
      );
      renamed.set(segment.uri, file);
    }
    const playlist = `index_${label}.m3u8`;
    const rewritten = rewriteMediaPlaylistUris(
      text,
      (uri) => `${target.segmentPrefix}${renamed.get(uri) ?? uri}`,
    );
    await writeFile(join(target.manifestDir, playlist), rewritten);
    playlists.push(playlist);
  }
  return playlists;
}
