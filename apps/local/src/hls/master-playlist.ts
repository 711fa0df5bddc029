/**
 * Reads the few facts the packager needs from a source multivariant playlist: its variants (video renditions)
 * and its alternative audio and subtitle renditions. A media playlist given as the source is one variant.
 */
import { InvalidPlaylistError } from "../errors.js";
import { parseAttributeList } from "./attributes.js";

export interface SourceVariant {
  readonly uri: string;
  readonly bandwidth: number;
  readonly resolution: string | undefined;
  readonly codecs: string | undefined;
  readonly frameRate: string | undefined;
}

export interface SourceRendition {
  readonly type: "AUDIO" | "SUBTITLES";
  readonly groupId: string;
  readonly name: string;
  readonly language: string | undefined;
  readonly isDefault: boolean;
  readonly uri: string;
}

export interface SourceMaster {
  readonly variants: readonly SourceVariant[];
  readonly renditions: readonly SourceRendition[];
}

/** Non-empty trimmed lines; throws unless the text is an HLS playlist. */
export function playlistLines(text: string): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (lines[0] !== "#EXTM3U")
    throw new InvalidPlaylistError("not an HLS playlist: first line is not #EXTM3U");
  return lines;
}

export function isMasterPlaylist(text: string): boolean {
  return playlistLines(text).some((line) => line.startsWith("#EXT-X-STREAM-INF:"));
}

/**
 * Multivariant playlist text → variants and alternative renditions (with a URI; audio and subtitles only).
 * I-frame playlists and closed-caption renditions are not packaging inputs and are ignored.
 */
export function parseMasterPlaylist(text: string): SourceMaster {
  const lines = playlistLines(text);
  const variants: SourceVariant[] = [];
  const renditions: SourceRendition[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.startsWith("#EXT-X-STREAM-INF:")) {
      const attributes = parseAttributeList(line.slice("#EXT-X-STREAM-INF:".length));
      const uri = lines[index + 1];
      if (uri === undefined || uri.startsWith("#")) {
        throw new InvalidPlaylistError(`#EXT-X-STREAM-INF on line ${index + 1} is not followed by a URI`);
      }
      const bandwidth = Number(attributes.get("BANDWIDTH"));
      if (!Number.isInteger(bandwidth) || bandwidth <= 0) {
        throw new InvalidPlaylistError(`#EXT-X-STREAM-INF on line ${index + 1} has no valid BANDWIDTH`);
      }
      variants.push({
        uri,
        bandwidth,
        resolution: attributes.get("RESOLUTION"),
        codecs: attributes.get("CODECS"),
        frameRate: attributes.get("FRAME-RATE"),
      });
      index++;
    } else if (line.startsWith("#EXT-X-MEDIA:")) {
      const attributes = parseAttributeList(line.slice("#EXT-X-MEDIA:".length));
      const type = attributes.get("TYPE");
      const uri = attributes.get("URI");
      if ((type !== "AUDIO" && type !== "SUBTITLES") || uri === undefined) continue;
      renditions.push({
        type,
        groupId: attributes.get("GROUP-ID") ?? "",
        name: attributes.get("NAME") ?? type.toLowerCase(),
        language: attributes.get("LANGUAGE"),
        isDefault: attributes.get("DEFAULT") === "YES",
        uri,
      });
    }
  }
  if (variants.length === 0) throw new InvalidPlaylistError("multivariant playlist has no #EXT-X-STREAM-INF");
  return { variants, renditions };
}
