/**
 * Media playlist steps the packager needs: list the segments of a (source) playlist, and rewrite every segment,
 * init-section and key URI of a playlist ffmpeg wrote so it points where the egress layout serves the files.
 */
import { playlistLines } from "./master-playlist.js";

export interface MediaSegment {
  readonly uri: string;
  readonly durationSeconds: number;
}

/** The segments of a media playlist with their #EXTINF durations. */
export function listMediaSegments(text: string): MediaSegment[] {
  const segments: MediaSegment[] = [];
  let duration = 0;
  for (const line of playlistLines(text)) {
    if (line.startsWith("#EXTINF:")) duration = Number.parseFloat(line.slice("#EXTINF:".length));
    else if (!line.startsWith("#")) segments.push({ uri: line, durationSeconds: duration });
  }
  return segments;
}

const URI_ATTRIBUTE = /URI="([^"]*)"/;

/**
 * Replaces each segment URI line and each `URI="…"` of #EXT-X-MAP / #EXT-X-KEY with `rewrite(uri)`; every other
 * line is kept as it is. Line endings become `\n`.
 */
export function rewriteMediaPlaylistUris(text: string, rewrite: (uri: string) => string): string {
  const output = text
    .split(/\r?\n/)
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed === "") return trimmed;
      if (!trimmed.startsWith("#")) return rewrite(trimmed);
      if (trimmed.startsWith("#EXT-X-MAP:") || trimmed.startsWith("#EXT-X-KEY:")) {
        return trimmed.replace(URI_ATTRIBUTE, (_match, uri: string) => `URI="${rewrite(uri)}"`);
      }
      return trimmed;
    })
    .filter((line) => line !== "");
  return `${output.join("\n")}\n`;
}
