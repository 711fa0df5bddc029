import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { link, mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BenchProfile, WireShape } from "./profiles.js";

/** One file of an asset as the raw baseline copies it: its path under the served root and its key in the copy. */
interface AssetFile {
  readonly path: string;
  readonly key: string;
}

/** An asset on disk: its entry manifest's path under the served root and every file a copy must hold. */
export interface Asset {
  readonly name: string;
  readonly entryPath: string;
  readonly files: readonly AssetFile[];
  readonly bytes: number;
}

export interface GeneratedAssets {
  readonly root: string;
  readonly hls: Asset;
  readonly dash: Asset;
  readonly big: Asset;
  readonly scaling: readonly Asset[];
  /** The profile's wire shapes, in its order. */
  readonly wire: readonly Asset[];
  /** Planned only: its segments are not on disk. */
  readonly planning: Asset;
}

const MiB = 1024 * 1024;
const SEGMENT_SECONDS = 4;
/** Byte ranges of the large object, as a packager writes them for a single-file rendition. */
const BIG_RANGES = 500;

const segmentName = (index: number) => `seg_${index}.ts`;
const renditionDir = (index: number) => `v${index}`;

function mediaPlaylist(count: number, name: (index: number) => string): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:3", `#EXT-X-TARGETDURATION:${SEGMENT_SECONDS}`];
  lines.push("#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-MEDIA-SEQUENCE:0");
  for (let index = 0; index < count; index++) lines.push(`#EXTINF:${SEGMENT_SECONDS}.000,`, name(index));
  return `${[...lines, "#EXT-X-ENDLIST"].join("\n")}\n`;
}

function multivariantPlaylist(renditions: number): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:3"];
  for (let index = 0; index < renditions; index++) {
    const bandwidth = 800_000 * (index + 1);
    lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth}`, `${renditionDir(index)}/index.m3u8`);
  }
  return `${lines.join("\n")}\n`;
}

/** A static MPD whose SegmentTimeline lists exactly `segments` segments per representation. */
function mpd(renditions: number, segments: number): string {
  const representations = Array.from(
    { length: renditions },
    (_, index) =>
      `      <Representation id="${renditionDir(index)}" bandwidth="${800_000 * (index + 1)}" codecs="avc1.64001f" width="1280" height="720"/>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" minBufferTime="PT2S"
     mediaPresentationDuration="PT${segments * SEGMENT_SECONDS}S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Period id="1" start="PT0S">
    <AdaptationSet mimeType="video/mp4" segmentAlignment="true">
      <SegmentTemplate timescale="1" startNumber="0" initialization="$RepresentationID$/init.mp4"
                       media="$RepresentationID$/seg_$Number$.m4s">
        <SegmentTimeline><S t="0" d="${SEGMENT_SECONDS}" r="${segments - 1}"/></SegmentTimeline>
      </SegmentTemplate>
${representations.join("\n")}
    </AdaptationSet>
  </Period>
</MPD>
`;
}

function byteRangePlaylist(size: number): string {
  const count = Math.min(BIG_RANGES, size);
  const span = Math.floor(size / count);
  const lines = ["#EXTM3U", "#EXT-X-VERSION:4", `#EXT-X-TARGETDURATION:${SEGMENT_SECONDS}`];
  lines.push("#EXT-X-PLAYLIST-TYPE:VOD");
  for (let index = 0; index < count; index++) {
    const offset = index * span;
    const length = index === count - 1 ? size - offset : span;
    lines.push(`#EXT-X-BYTERANGE:${length}@${offset}`, `#EXTINF:${SEGMENT_SECONDS}.000,`, "video.ts");
  }
  return `${[...lines, "#EXT-X-ENDLIST"].join("\n")}\n`;
}

/** A segment's bytes: shared random filler with the file's number in front, so no two files are equal. */
function segmentBytes(filler: Buffer, number: number): Buffer {
  const bytes = Buffer.from(filler);
  bytes.writeUInt32BE(number >>> 0, 0);
  return bytes;
}

async function writeText(root: string, path: string, text: string): Promise<AssetFile> {
  await writeFile(join(root, path), text);
  return { path, key: path.slice(path.indexOf("/") + 1) };
}

/** Writes `size` bytes of random-looking data in 1 MiB blocks (each one numbered) without holding it all. */
async function writeLargeFile(path: string, size: number): Promise<void> {
  const handle = await open(path, "w");
  try {
    const block = randomBytes(MiB);
    for (let offset = 0; offset < size; offset += MiB) {
      block.writeUInt32BE(offset / MiB, 0);
      await handle.write(block, 0, Math.min(MiB, size - offset), offset);
    }
  } finally {
    await handle.close();
  }
}

/** An HLS asset under `root/name`: `renditions` media playlists of `segmentsPerRendition` distinct segments. */
async function generateHlsShape(root: string, name: string, shape: WireShape): Promise<Asset> {
  const files: AssetFile[] = [];
  const filler = randomBytes(shape.segmentBytes);
  await mkdir(join(root, name), { recursive: true });
  for (let rendition = 0; rendition < shape.renditions; rendition++) {
    const dir = `${name}/${renditionDir(rendition)}`;
    await mkdir(join(root, dir), { recursive: true });
    for (let index = 0; index < shape.segmentsPerRendition; index++) {
      const path = `${dir}/${segmentName(index)}`;
      await writeFile(join(root, path), segmentBytes(filler, rendition * 1_000_000 + index));
      files.push({ path, key: path.slice(name.length + 1) });
    }
    files.push(
      await writeText(root, `${dir}/index.m3u8`, mediaPlaylist(shape.segmentsPerRendition, segmentName)),
    );
  }
  files.push(await writeText(root, `${name}/index.m3u8`, multivariantPlaylist(shape.renditions)));
  const segmentCount = shape.renditions * shape.segmentsPerRendition;
  return { name, entryPath: `${name}/index.m3u8`, files, bytes: segmentCount * shape.segmentBytes };
}

/** A wire shape's asset name, e.g. `hls 4×1000×64KiB`. */
function wireName(shape: WireShape): string {
  const size = shape.segmentBytes % 1024 === 0 ? `${shape.segmentBytes / 1024}KiB` : `${shape.segmentBytes}B`;
  return `hls ${shape.renditions}×${shape.segmentsPerRendition}×${size}`;
}

/** The DASH asset has the HLS asset's shape; its segments are hard links to the HLS segments (no extra disk). */
async function generateDash(root: string, profile: BenchProfile): Promise<Asset> {
  const files: AssetFile[] = [];
  for (let rendition = 0; rendition < profile.renditions; rendition++) {
    const dir = `dash/${renditionDir(rendition)}`;
    await mkdir(join(root, dir), { recursive: true });
    files.push(await writeText(root, `${dir}/init.mp4`, `init ${rendition}`.padEnd(800, ".")));
    for (let index = 0; index < profile.segmentsPerRendition; index++) {
      const path = `${dir}/seg_${index}.m4s`;
      await link(join(root, `hls/${renditionDir(rendition)}/${segmentName(index)}`), join(root, path));
      files.push({ path, key: path.slice(5) });
    }
  }
  files.push(await writeText(root, "dash/index.mpd", mpd(profile.renditions, profile.segmentsPerRendition)));
  return assetOf("dash", "dash/index.mpd", files, profile);
}

/** One rendition of `segments` segments, hard-linked round-robin to the HLS asset's segment files. */
async function generateScaling(root: string, profile: BenchProfile, segments: number): Promise<Asset> {
  const name = `scale${segments}`;
  await mkdir(join(root, name), { recursive: true });
  const files: AssetFile[] = [];
  const pool = profile.renditions * profile.segmentsPerRendition;
  for (let index = 0; index < segments; index++) {
    const source = index % pool;
    const rendition = Math.floor(source / profile.segmentsPerRendition);
    const from = `hls/${renditionDir(rendition)}/${segmentName(source % profile.segmentsPerRendition)}`;
    const path = `${name}/${segmentName(index)}`;
    await link(join(root, from), join(root, path));
    files.push({ path, key: segmentName(index) });
  }
  files.push(await writeText(root, `${name}/index.m3u8`, mediaPlaylist(segments, segmentName)));
  return assetOf(name, `${name}/index.m3u8`, files, profile);
}

function assetOf(name: string, entryPath: string, files: AssetFile[], profile: BenchProfile): Asset {
  const segmentCount = files.filter((file) => /seg_\d+\.(ts|m4s)$/.test(file.path)).length;
  return { name, entryPath, files, bytes: segmentCount * profile.segmentBytes };
}

/**
 * Generates every asset under `root` (wiped first). Generation is not measured; a marker file lets a later run
 * with the same profile reuse the assets, since writing 2 GB takes a while.
 */
export async function generateAssets(root: string, profile: BenchProfile): Promise<GeneratedAssets> {
  const marker = join(root, `.complete-${profile.name}-v2`);
  const reuse = existsSync(marker);
  if (!reuse) {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
  }
  const generate = async (): Promise<GeneratedAssets> => {
    const hls = await generateHlsShape(root, "hls", profile);
    const wire: Asset[] = [];
    for (const [index, shape] of profile.wire.entries()) {
      const asset = await generateHlsShape(root, `wire${index}`, shape);
      wire.push({ ...asset, name: wireName(shape) });
    }
    const dash = await generateDash(root, profile);
    const scaling: Asset[] = [];
    for (const segments of profile.scalingCopies)
      scaling.push(await generateScaling(root, profile, segments));
    await mkdir(join(root, "plan"), { recursive: true });
    const planning = assetOf(
      "plan",
      "plan/index.m3u8",
      [await writeText(root, "plan/index.m3u8", mediaPlaylist(profile.planningSegments, segmentName))],
      profile,
    );
    await mkdir(join(root, "big"), { recursive: true });
    await writeLargeFile(join(root, "big/video.ts"), profile.bigBytes);
    const big: Asset = {
      name: "big",
      entryPath: "big/index.m3u8",
      files: [
        { path: "big/video.ts", key: "video.ts" },
        await writeText(root, "big/index.m3u8", byteRangePlaylist(profile.bigBytes)),
      ],
      bytes: profile.bigBytes,
    };
    return { root, hls, dash, big, scaling, wire, planning };
  };
  if (!reuse) {
    const assets = await generate();
    await writeFile(marker, JSON.stringify(assets));
    return assets;
  }
  return JSON.parse(await readFile(marker, "utf8")) as GeneratedAssets;
}
