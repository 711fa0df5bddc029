/** Where one packaging job writes, and the ffmpeg input/map arguments every packager shares. */
import type { LocalVariant, SourceLayout } from "./source-layout.js";

export interface PackagingTarget {
  /** Staging directory that becomes the egress manifest directory (`/out/v1/<group>/<config>/<asset>/`). */
  readonly manifestDir: string;
  /** Staging directory that becomes the egress segment directory (`/out/v1/<storage>/<config storage>/`). */
  readonly segmentDir: string;
  /** How a manifest refers to the segment directory, e.g. `../../../<storage>/<config storage>/`. */
  readonly segmentPrefix: string;
  /** ManifestName of the packaging configuration (default `index`). */
  readonly manifestName: string;
  readonly segmentSeconds: number;
  readonly signal: AbortSignal;
}

export interface InputPlan {
  /** `-i` arguments, one per variant playlist, then the audio playlist when it is separate. */
  readonly inputArgs: string[];
  /** `-map` arguments: every variant's video, then the audio. */
  readonly mapArgs: string[];
  /** `-b:v:N` / `-b:a:0`: muxers that write bitrates (HLS/DASH/MSS manifests) need them with `-c copy`. */
  readonly bitrateArgs: string[];
  readonly hasAudio: boolean;
}

export function planInputs(source: SourceLayout, variants: readonly LocalVariant[]): InputPlan {
  const inputArgs = variants.flatMap((variant) => ["-i", variant.path]);
  const mapArgs = variants.flatMap((_, index) => ["-map", `${index}:v:0`]);
  const bitrateArgs = variants.flatMap((variant, index) => [`-b:v:${index}`, String(variant.bandwidth)]);
  const audio = source.audio;
  if (audio) {
    const muxedIn = variants.findIndex((variant) => variant.path === audio.path);
    const audioInput = muxedIn >= 0 ? muxedIn : variants.length;
    if (muxedIn < 0) inputArgs.push("-i", audio.path);
    mapArgs.push("-map", `${audioInput}:a:0`);
    bitrateArgs.push("-b:a:0", String(audio.bitrate));
  }
  return { inputArgs, mapArgs, bitrateArgs, hasAudio: audio !== undefined };
}

/** TS (ADTS audio, Annex B video) into an MP4-based container needs these (measured with ffmpeg 5.1). */
export const TS_TO_MP4_ARGS = ["-bsf:a", "aac_adtstoasc", "-tag:v", "avc1", "-tag:a", "mp4a"];
