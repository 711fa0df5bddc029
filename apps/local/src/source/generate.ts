/**
 * Generates a small multi-bitrate HLS/TS source from ffmpeg test patterns (testsrc2 video, sine audio): one TS
 * video-only playlist per rendition, one audio rendition and one segmented WebVTT subtitle rendition, tied
 * together by a multivariant `index.m3u8`. Fast on purpose: small sizes, ultrafast x264, a few seconds.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArgumentError } from "../errors.js";
import { runFfmpeg, runFfprobe } from "../ffmpeg/run.js";
import { parseMasterPlaylist } from "../hls/master-playlist.js";
import { formatMasterPlaylist } from "../hls/write-master.js";
import { formatSubtitleSegment } from "./subtitles.js";

export interface SourceRenditionSpec {
  readonly width: number;
  readonly height: number;
  readonly videoBitrateKbps: number;
}

export interface GenerateSourceOptions {
  /** Created if missing; must be empty or new. */
  readonly dir: string;
  /** Whole seconds, a multiple of segmentSeconds so every segment is full. */
  readonly seconds: number;
  readonly renditions: readonly SourceRenditionSpec[];
  readonly frameRate?: number;
  readonly segmentSeconds?: number;
}

export interface GeneratedSource {
  readonly dir: string;
  /** File name of the multivariant playlist inside dir. */
  readonly entry: string;
  readonly seconds: number;
  readonly frameRate: number;
  readonly segmentSeconds: number;
  /** Video frames in each rendition: seconds × frameRate. */
  readonly framesPerRendition: number;
  /** Every file written, relative to dir. */
  readonly files: readonly string[];
}

const AUDIO_GROUP = "audio";
const SUBTITLE_GROUP = "subtitles";

export async function generateSource(options: GenerateSourceOptions): Promise<GeneratedSource> {
  const frameRate = options.frameRate ?? 25;
  const segmentSeconds = options.segmentSeconds ?? 2;
  validate(options, segmentSeconds);
  await mkdir(options.dir, { recursive: true });
  const videoNames = options.renditions.map((spec) => `video_${spec.height}p`);
  await encodeRenditions(options, videoNames, frameRate, segmentSeconds);
  const ffmpegMaster = parseMasterPlaylist(await readFile(join(options.dir, "ffmpeg-master.m3u8"), "utf8"));
  const startSeconds = await firstSegmentStart(join(options.dir, `${videoNames[0]}.m3u8`));
  await writeSubtitles(options.dir, options.seconds, segmentSeconds, startSeconds);

  const master = formatMasterPlaylist({
    version: 3,
    renditions: [
      {
        type: "AUDIO",
        groupId: AUDIO_GROUP,
        name: "English",
        language: "en",
        isDefault: true,
        uri: "audio.m3u8",
      },
      {
        type: "SUBTITLES",
        groupId: SUBTITLE_GROUP,
        name: "English",
        language: "en",
        isDefault: false,
        uri: "subtitles.m3u8",
      },
    ],
    variants: videoNames.map((name) => {
      const fromFfmpeg = ffmpegMaster.variants.find((variant) => variant.uri === `${name}.m3u8`);
      return {
        uri: `${name}.m3u8`,
        bandwidth: fromFfmpeg?.bandwidth ?? 1,
        resolution: fromFfmpeg?.resolution,
        codecs: fromFfmpeg?.codecs,
        frameRate: frameRate.toFixed(3),
        audioGroup: AUDIO_GROUP,
        subtitleGroup: SUBTITLE_GROUP,
      };
    }),
  });
  await writeFile(join(options.dir, "index.m3u8"), master);
  const files = (await readdir(options.dir)).filter((name) => name !== "ffmpeg-master.m3u8").sort();
  return {
    dir: options.dir,
    entry: "index.m3u8",
    seconds: options.seconds,
    frameRate,
    segmentSeconds,
    framesPerRendition: options.seconds * frameRate,
    files,
  };
}

function validate(options: GenerateSourceOptions, segmentSeconds: number): void {
  if (options.renditions.length === 0) throw new InvalidArgumentError("renditions: at least one is needed");
  if (!Number.isInteger(options.seconds) || options.seconds <= 0 || options.seconds % segmentSeconds !== 0) {
    throw new InvalidArgumentError(
      `seconds: ${options.seconds} is not a positive multiple of ${segmentSeconds}`,
    );
  }
  for (const spec of options.renditions) {
    if (spec.width % 2 !== 0 || spec.height % 2 !== 0) {
      throw new InvalidArgumentError(`renditions: ${spec.width}x${spec.height} must have even sides`);
    }
  }
  const heights = new Set(options.renditions.map((spec) => spec.height));
  if (heights.size !== options.renditions.length)
    throw new InvalidArgumentError("renditions: heights must differ");
}

/** One ffmpeg run: the pattern is drawn once at the largest size and scaled down for the other renditions. */
async function encodeRenditions(
  options: GenerateSourceOptions,
  videoNames: readonly string[],
  frameRate: number,
  segmentSeconds: number,
): Promise<void> {
  const largest = options.renditions.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  const count = options.renditions.length;
  const outputs = options.renditions.map((_, index) => `[s${index}]`).join("");
  const scales = options.renditions
    .map((spec, index) => `[s${index}]scale=${spec.width}:${spec.height}[v${index}]`)
    .join(";");
  const gop = String(frameRate * segmentSeconds);
  const args = [
    [
      "-f",
      "lavfi",
      "-i",
      `testsrc2=size=${largest.width}x${largest.height}:rate=${frameRate}:duration=${options.seconds}`,
    ],
    ["-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${options.seconds}`],
    ["-filter_complex", `[0:v]split=${count}${outputs};${scales}`],
    ...options.renditions.map((_, index) => ["-map", `[v${index}]`]),
    ["-map", "1:a"],
    ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    // A key frame exactly at every segment boundary, so packagers can cut anywhere the source is cut.
    ["-g", gop, "-keyint_min", gop, "-sc_threshold", "0"],
    ...options.renditions.map((spec, index) => [`-b:v:${index}`, `${spec.videoBitrateKbps}k`]),
    ["-c:a", "aac", "-b:a", "64k", "-ac", "2"],
    ["-f", "hls", "-hls_time", String(segmentSeconds), "-hls_playlist_type", "vod"],
    ["-hls_segment_filename", join(options.dir, "%v_%03d.ts"), "-master_pl_name", "ffmpeg-master.m3u8"],
    [
      "-var_stream_map",
      [
        ...videoNames.map((name, index) => `v:${index},agroup:${AUDIO_GROUP},name:${name}`),
        `a:0,agroup:${AUDIO_GROUP},name:audio`,
      ].join(" "),
    ],
    [join(options.dir, "%v.m3u8")],
  ].flat();
  await runFfmpeg(args);
}

async function firstSegmentStart(playlistPath: string): Promise<number> {
  const probe = (await runFfprobe(["-show_entries", "format=start_time", playlistPath])) as {
    format?: { start_time?: string };
  };
  return Number.parseFloat(probe.format?.start_time ?? "0") || 0;
}

/** One WebVTT file per segment, each mapped to the TS timeline with X-TIMESTAMP-MAP (RFC 8216 §3.5). */
async function writeSubtitles(dir: string, seconds: number, segmentSeconds: number, startSeconds: number) {
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    `#EXT-X-TARGETDURATION:${segmentSeconds}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
  ];
  for (let index = 0; index * segmentSeconds < seconds; index++) {
    const name = `subtitles_${String(index).padStart(3, "0")}.vtt`;
    await writeFile(join(dir, name), formatSubtitleSegment(index, segmentSeconds, startSeconds));
    lines.push(`#EXTINF:${segmentSeconds.toFixed(6)},`, name);
  }
  lines.push("#EXT-X-ENDLIST");
  await writeFile(join(dir, "subtitles.m3u8"), `${lines.join("\n")}\n`);
}
