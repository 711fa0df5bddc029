import type { ManifestFormat, MediaRole, ResourceKind } from "../types.js";

/** Tags only a multivariant playlist holds (RFC 8216 §4.3.4, plus EXT-X-IMAGE-STREAM-INF of Apple's image spec). */
const MULTIVARIANT_TAGS = new Set([
  "EXT-X-STREAM-INF",
  "EXT-X-MEDIA",
  "EXT-X-I-FRAME-STREAM-INF",
  "EXT-X-IMAGE-STREAM-INF",
  "EXT-X-SESSION-KEY",
  "EXT-X-SESSION-DATA",
]);

/** A line that is one of the tags the survey looks for (name alone, or followed by `:`), blanks around it allowed. */
const SURVEYED_TAG =
  /^[ \t]*#(EXT-X-(?:STREAM-INF|MEDIA|I-FRAME-STREAM-INF|IMAGE-STREAM-INF|SESSION-KEY|SESSION-DATA|I-FRAMES-ONLY|IMAGES-ONLY))[ \t]*(?::|\r?$)/gm;

/** What a whole playlist is, known only after reading all of it (a playlist tag may come after segments). */
export interface PlaylistSurvey {
  readonly format: Extract<ManifestFormat, "hls-multivariant" | "hls-media">;
  /** EXT-X-I-FRAMES-ONLY seen. */
  readonly iframesOnly: boolean;
  /** EXT-X-IMAGES-ONLY seen. */
  readonly imagesOnly: boolean;
}

/**
 * Surveys the text with one regular-expression scan, not the tokenizer: a second tokenizer pass would double the
 * time of a 100,000-segment playlist for three booleans.
 */
export function surveyPlaylist(text: string): PlaylistSurvey {
  let multivariant = false;
  let iframesOnly = false;
  let imagesOnly = false;
  for (const match of text.matchAll(SURVEYED_TAG)) {
    const name = match[1] ?? "";
    if (MULTIVARIANT_TAGS.has(name)) multivariant = true;
    else if (name === "EXT-X-I-FRAMES-ONLY") iframesOnly = true;
    else if (name === "EXT-X-IMAGES-ONLY") imagesOnly = true;
  }
  return { format: multivariant ? "hls-multivariant" : "hls-media", iframesOnly, imagesOnly };
}

const KIND_OF_ROLE: Readonly<Record<MediaRole, ResourceKind>> = {
  media: "media",
  subtitle: "subtitle",
  iframe: "iframe",
  image: "image",
};

/** The kind of a media playlist's segments: the playlist's own I-frame/image tag wins over the parent's role. */
export function segmentKind(survey: PlaylistSurvey, role: MediaRole): ResourceKind {
  if (survey.iframesOnly) return "iframe";
  if (survey.imagesOnly) return "image";
  return KIND_OF_ROLE[role];
}
