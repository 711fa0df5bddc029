import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

/**
 * A small HLS asset on disk, served by the test origin under /asset/: a multivariant playlist, two renditions of
 * two segments each. Segment bytes are random so a copy can only be identical by really copying them.
 */
const MULTIVARIANT = [
  "#EXTM3U",
  "#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360",
  "v360/prog.m3u8",
  "#EXT-X-STREAM-INF:BANDWIDTH=1400000,RESOLUTION=1280x720",
  "v720/prog.m3u8",
  "",
].join("\n");

export function mediaPlaylist(segments: readonly string[]): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:4", "#EXT-X-PLAYLIST-TYPE:VOD"];
  for (const segment of segments) lines.push("#EXTINF:4.0,", segment);
  lines.push("#EXT-X-ENDLIST", "");
  return lines.join("\n");
}

/** Files of the asset by path under the served root. */
export function hlsAssetFiles(): Map<string, Buffer> {
  return new Map([
    ["asset/index.m3u8", Buffer.from(MULTIVARIANT)],
    ["asset/v360/prog.m3u8", Buffer.from(mediaPlaylist(["seg0.ts", "seg1.ts"]))],
    ["asset/v720/prog.m3u8", Buffer.from(mediaPlaylist(["seg0.ts", "seg1.ts"]))],
    ["asset/v360/seg0.ts", randomBytes(18_800)],
    ["asset/v360/seg1.ts", randomBytes(9_400)],
    ["asset/v720/seg0.ts", randomBytes(37_600)],
    ["asset/v720/seg1.ts", randomBytes(28_200)],
  ]);
}

export async function makeTempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `vod-harvest-cli-${label}-`));
}

export async function writeTree(root: string, files: ReadonlyMap<string, Buffer | string>): Promise<void> {
  for (const [path, body] of files) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, body);
  }
}

/** Every file under `root` (relative paths, sorted); [] when root does not exist. */
export async function listTree(root: string): Promise<string[]> {
  try {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(root, join(entry.parentPath, entry.name)))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
