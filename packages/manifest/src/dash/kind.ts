import type { ResourceKind } from "../types.js";

/** The attributes that say what a Representation carries; a Representation's own win over its AdaptationSet's. */
export interface ContentDescription {
  readonly mimeType?: string | undefined;
  readonly contentType?: string | undefined;
  readonly codecs?: string | undefined;
}

const TEXT_MIME_TYPES = new Set(["application/ttml+xml", "application/x-sami", "application/x-subrip"]);
// Text carried in ISO-BMFF (application/mp4): TTML (stpp) and WebVTT (wvtt) sample entries.
const TEXT_CODECS = /^(?:stpp|wvtt|ttml|vtt)\b/i;

/** Kind of a Representation's media (and index) segments: subtitle and thumbnail tracks are told apart. */
export function segmentKindOf(
  content: ContentDescription,
): Extract<ResourceKind, "media" | "subtitle" | "image"> {
  const mimeType = content.mimeType?.trim().toLowerCase() ?? "";
  const contentType = content.contentType?.trim().toLowerCase() ?? "";
  if (contentType === "image" || mimeType.startsWith("image/")) return "image";
  if (contentType === "text" || mimeType.startsWith("text/") || TEXT_MIME_TYPES.has(mimeType))
    return "subtitle";
  const codecs = content.codecs?.split(",").map((codec) => codec.trim()) ?? [];
  if (
    mimeType === "application/mp4" &&
    codecs.length > 0 &&
    codecs.every((codec) => TEXT_CODECS.test(codec))
  ) {
    return "subtitle";
  }
  return "media";
}
