/** Writes the multivariant playlists of packaged HLS outputs (the emulator's own, not ffmpeg's). */
import { type AttributeValue, formatAttributeList } from "./attributes.js";
import type { SourceRendition } from "./master-playlist.js";

/** A rendition is written back exactly as the source's reader describes it. */
export type MasterRendition = SourceRendition;

export interface MasterVariant {
  readonly uri: string;
  readonly bandwidth: number;
  readonly resolution: string | undefined;
  readonly codecs: string | undefined;
  readonly frameRate: string | undefined;
  readonly audioGroup: string | undefined;
  readonly subtitleGroup: string | undefined;
}

export interface MasterPlaylist {
  readonly version: number;
  readonly renditions: readonly MasterRendition[];
  readonly variants: readonly MasterVariant[];
}

export function formatMasterPlaylist(master: MasterPlaylist): string {
  const lines = ["#EXTM3U", `#EXT-X-VERSION:${master.version}`, "#EXT-X-INDEPENDENT-SEGMENTS"];
  for (const rendition of master.renditions) {
    const attributes: Array<[string, AttributeValue | undefined]> = [
      ["TYPE", rendition.type],
      ["GROUP-ID", { quoted: rendition.groupId }],
      ["NAME", { quoted: rendition.name }],
      ["LANGUAGE", rendition.language === undefined ? undefined : { quoted: rendition.language }],
      ["DEFAULT", rendition.isDefault ? "YES" : "NO"],
      ["AUTOSELECT", "YES"],
      ["URI", { quoted: rendition.uri }],
    ];
    lines.push(`#EXT-X-MEDIA:${formatAttributeList(attributes)}`);
  }
  for (const variant of master.variants) {
    const attributes: Array<[string, AttributeValue | undefined]> = [
      ["BANDWIDTH", variant.bandwidth],
      ["RESOLUTION", variant.resolution],
      ["CODECS", variant.codecs === undefined ? undefined : { quoted: variant.codecs }],
      ["FRAME-RATE", variant.frameRate],
      ["AUDIO", variant.audioGroup === undefined ? undefined : { quoted: variant.audioGroup }],
      ["SUBTITLES", variant.subtitleGroup === undefined ? undefined : { quoted: variant.subtitleGroup }],
    ];
    lines.push(`#EXT-X-STREAM-INF:${formatAttributeList(attributes)}`, variant.uri);
  }
  return `${lines.join("\n")}\n`;
}
