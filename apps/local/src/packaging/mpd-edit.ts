/**
 * Small, exact edits of the MPD ffmpeg's dash muxer writes: point SegmentTemplate URLs at the segment directory
 * and add the image/jpeg thumbnail AdaptationSet (ffmpeg does not write one).
 */
import { PackagingError } from "../errors.js";

const SEGMENT_TEMPLATE_TAG = /<SegmentTemplate\b[^>]*>/g;
const URL_ATTRIBUTE = /(\s(?:initialization|media)=")([^"]*)(")/g;

/** Prefixes every SegmentTemplate `initialization` and `media` value with `prefix` (XML-safe: hex and `/`, `.`). */
export function prefixSegmentTemplateUrls(mpd: string, prefix: string): string {
  return mpd.replace(SEGMENT_TEMPLATE_TAG, (tag) =>
    tag.replace(
      URL_ATTRIBUTE,
      (_match, head: string, url: string, tail: string) => `${head}${prefix}${url}${tail}`,
    ),
  );
}

/** Drops `startNumber` from every SegmentTemplate. */
export function removeStartNumber(mpd: string): string {
  return mpd.replace(SEGMENT_TEMPLATE_TAG, (tag) => tag.replace(/\sstartNumber="\d+"/, ""));
}

export interface ThumbnailSet {
  readonly id: number;
  /** SegmentTemplate media, e.g. `../../../a/b/index_thumbnails_$Number$.jpg`. */
  readonly media: string;
  readonly width: number;
  readonly height: number;
  readonly intervalSeconds: number;
  readonly bandwidth: number;
}

/**
 * One thumbnail per interval, addressed by number with a fixed duration (NUMBER_WITH_DURATION), in the DASH-IF
 * thumbnail form: contentType image, EssentialProperty thumbnail_tile 1x1 (one image per segment, no tiling).
 */
export function formatThumbnailAdaptationSet(set: ThumbnailSet): string {
  return [
    `\t\t<AdaptationSet id="${set.id}" contentType="image" mimeType="image/jpeg">`,
    `\t\t\t<SegmentTemplate timescale="1" duration="${set.intervalSeconds}" media="${set.media}" startNumber="1" />`,
    `\t\t\t<Representation id="thumbnails" bandwidth="${set.bandwidth}" width="${set.width}" height="${set.height}">`,
    `\t\t\t\t<EssentialProperty schemeIdUri="http://dashif.org/thumbnail_tile" value="1x1" />`,
    "\t\t\t</Representation>",
    "\t\t</AdaptationSet>",
  ].join("\n");
}

/** Inserts `xml` as the last child of the (single) Period. */
export function appendToPeriod(mpd: string, xml: string): string {
  const close = mpd.lastIndexOf("</Period>");
  if (close < 0) throw new PackagingError("MPD has no </Period>");
  return `${mpd.slice(0, close).replace(/\s*$/, "\n")}${xml}\n\t${mpd.slice(close)}`;
}

/** The MPD's mediaPresentationDuration in seconds (`PT#H#M#S` form as ffmpeg writes it). */
export function presentationSeconds(mpd: string): number {
  const match =
    /mediaPresentationDuration="PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?"/.exec(mpd);
  if (!match) throw new PackagingError("MPD has no mediaPresentationDuration");
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}
