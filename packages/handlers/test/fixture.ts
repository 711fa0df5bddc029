/**
 * A small HLS asset for the test origin: a multivariant playlist, two variant playlists and their segments.
 * Expected counts and sizes are worked out from these literals: 3 playlists + 2 × SEGMENTS segments, where
 * segment i of a variant is SEGMENT_BYTES + i bytes.
 */
import type { MemoryFile } from "@vod-harvest/testing/test-origin";

const SEGMENTS = 4;
const SEGMENT_BYTES = 1000;
const VARIANTS = ["low", "high"] as const;

const MULTIVARIANT = `#EXTM3U
#EXT-X-STREAM-INF:BANDWIDTH=800000
low/playlist.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1600000
high/playlist.m3u8
`;

function variantPlaylist(): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:4", "#EXT-X-PLAYLIST-TYPE:VOD"];
  for (let i = 0; i < SEGMENTS; i++) lines.push("#EXTINF:4.0,", `seg-${i}.ts`);
  lines.push("#EXT-X-ENDLIST", "");
  return lines.join("\n");
}

/** Every file of the asset by key (path relative to the asset's directory). */
export function assetFiles(): Map<string, MemoryFile> {
  const files = new Map<string, MemoryFile>([["index.m3u8", MULTIVARIANT]]);
  for (const [v, variant] of VARIANTS.entries()) {
    files.set(`${variant}/playlist.m3u8`, variantPlaylist());
    for (let i = 0; i < SEGMENTS; i++) {
      files.set(`${variant}/seg-${i}.ts`, Buffer.alloc(SEGMENT_BYTES + i, 0x40 + v * 8 + i));
    }
  }
  return files;
}

/** The asset's files served under `dir` (no leading or trailing slash), for startTestOrigin's `files`. */
export function assetUnder(dir: string): Record<string, MemoryFile> {
  return Object.fromEntries([...assetFiles()].map(([key, file]) => [`/${dir}/${key}`, file]));
}

/** 3 playlists + 8 segments. */
export const EXPECTED_OBJECTS = 3 + VARIANTS.length * SEGMENTS;
/** The playlists' bytes plus 2 × (1000 + 1001 + 1002 + 1003). */
export const EXPECTED_BYTES =
  Buffer.byteLength(MULTIVARIANT) + 2 * Buffer.byteLength(variantPlaylist()) + 2 * (4 * SEGMENT_BYTES + 6);
