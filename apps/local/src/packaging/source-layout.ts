/**
 * What the packager reads from a downloaded source: its video variants, the audio to package (an alternative
 * rendition, or the audio muxed in the first variant) and its WebVTT subtitle renditions, as local paths.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { StreamSelection } from "@aws-sdk/client-mediapackage-vod";
import { InvalidPlaylistError, SourceError } from "../errors.js";
import { runFfprobe } from "../ffmpeg/run.js";
import {
  isMasterPlaylist,
  parseMasterPlaylist,
  type SourceRendition,
  type SourceVariant,
} from "../hls/master-playlist.js";

export interface LocalVariant extends Omit<SourceVariant, "uri"> {
  readonly path: string;
}

export interface LocalRendition extends Omit<SourceRendition, "uri"> {
  readonly path: string;
}

export interface SourceLayout {
  readonly variants: readonly LocalVariant[];
  /** Separate audio playlist, or the first variant when its audio is muxed; undefined without audio. */
  readonly audio: (LocalRendition & { readonly bitrate: number }) | undefined;
  readonly subtitles: readonly LocalRendition[];
}

const DEFAULT_AUDIO_BITRATE = 128_000;

export async function readSourceLayout(sourceArn: string, entryPath: string): Promise<SourceLayout> {
  let text: string;
  try {
    text = await readFile(entryPath, "utf8");
    if (!isMasterPlaylist(text)) return await singleVariantLayout(sourceArn, entryPath);
    const master = parseMasterPlaylist(text);
    const local = (uri: string) => localPath(sourceArn, entryPath, uri);
    const variants = master.variants.map(({ uri, ...rest }) => ({ ...rest, path: local(uri) }));
    const audioRendition =
      master.renditions.find((r) => r.type === "AUDIO" && r.isDefault) ??
      master.renditions.find((r) => r.type === "AUDIO");
    const firstVariant = variants[0] as LocalVariant;
    const firstStreams = await probeStreams(sourceArn, firstVariant.path);
    if (!firstStreams.video) throw new SourceError(sourceArn, "the first variant has no video");
    const audio = audioRendition
      ? {
          ...audioRendition,
          path: local(audioRendition.uri),
          bitrate: await probeAudioBitrate(local(audioRendition.uri)),
        }
      : firstStreams.audio
        ? { ...mutedRendition(), path: firstVariant.path, bitrate: firstStreams.audioBitrate }
        : undefined;
    const subtitles = master.renditions
      .filter((r) => r.type === "SUBTITLES")
      .map(({ uri, ...rest }) => ({ ...rest, path: local(uri) }));
    return { variants, audio, subtitles };
  } catch (error) {
    if (error instanceof SourceError) throw error;
    if (error instanceof InvalidPlaylistError)
      throw new SourceError(sourceArn, error.message, { cause: error });
    throw new SourceError(sourceArn, "the source playlist could not be read", { cause: error });
  }
}

/** Applies a manifest's StreamSelection: bitrate bounds, then order (ORIGINAL keeps the source's). */
export function selectVariants(
  variants: readonly LocalVariant[],
  selection: StreamSelection | undefined,
): LocalVariant[] {
  const min = selection?.MinVideoBitsPerSecond ?? 0;
  const max = selection?.MaxVideoBitsPerSecond ?? Number.MAX_SAFE_INTEGER;
  const kept = variants.filter((variant) => variant.bandwidth >= min && variant.bandwidth <= max);
  if (selection?.StreamOrder === "VIDEO_BITRATE_ASCENDING") kept.sort((a, b) => a.bandwidth - b.bandwidth);
  if (selection?.StreamOrder === "VIDEO_BITRATE_DESCENDING") kept.sort((a, b) => b.bandwidth - a.bandwidth);
  return kept;
}

function localPath(sourceArn: string, entryPath: string, uri: string): string {
  const url = new URL(uri, pathToFileURL(entryPath));
  if (url.protocol !== "file:")
    throw new SourceError(sourceArn, `${uri}: only relative references are supported`);
  return fileURLToPath(url);
}

function mutedRendition(): Omit<SourceRendition, "uri"> {
  return { type: "AUDIO", groupId: "audio", name: "Audio", language: undefined, isDefault: true };
}

async function singleVariantLayout(sourceArn: string, entryPath: string): Promise<SourceLayout> {
  const streams = await probeStreams(sourceArn, entryPath);
  if (!streams.video) throw new SourceError(sourceArn, "the source has no video");
  const variant: LocalVariant = {
    path: entryPath,
    bandwidth: streams.bitrate || 1_000_000,
    resolution: streams.resolution,
    codecs: undefined,
    frameRate: undefined,
  };
  const audio = streams.audio
    ? { ...mutedRendition(), path: entryPath, bitrate: streams.audioBitrate }
    : undefined;
  return { variants: [variant], audio, subtitles: [] };
}

interface ProbeOutput {
  streams?: Array<{ codec_type?: string; width?: number; height?: number; bit_rate?: string }>;
  format?: { bit_rate?: string };
}

async function probeStreams(sourceArn: string, path: string) {
  let probe: ProbeOutput;
  try {
    probe = (await runFfprobe([
      "-show_entries",
      "stream=codec_type,width,height,bit_rate:format=bit_rate",
      path,
    ])) as ProbeOutput;
  } catch (error) {
    throw new SourceError(sourceArn, `${path} cannot be probed`, { cause: error });
  }
  const video = probe.streams?.find((stream) => stream.codec_type === "video");
  const audio = probe.streams?.find((stream) => stream.codec_type === "audio");
  return {
    video: video !== undefined,
    audio: audio !== undefined,
    resolution: video?.width && video.height ? `${video.width}x${video.height}` : undefined,
    bitrate: Number(probe.format?.bit_rate) || 0,
    audioBitrate: Number(audio?.bit_rate) || DEFAULT_AUDIO_BITRATE,
  };
}

async function probeAudioBitrate(path: string): Promise<number> {
  const probe = (await runFfprobe([
    "-select_streams",
    "a:0",
    "-show_entries",
    "stream=bit_rate",
    path,
  ])) as ProbeOutput;
  return Number(probe.streams?.[0]?.bit_rate) || DEFAULT_AUDIO_BITRATE;
}
