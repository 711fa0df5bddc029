import type { ParseContext } from "../parse-context.js";
import type { ParsedManifest, RawReference, ResourceKind } from "../types.js";
import { type MssStream, readMssDocument } from "./document.js";
import { fillUrlTemplate } from "./template.js";
import { countFragments, fragmentStartTimes } from "./timeline.js";

/** Fragment URLs are relative to the manifest itself: MSS has no BaseURL. */
const NO_BASES: readonly string[] = [];

/** Thumbnails (zoetrope, JPEG/PNG tracks) are images; text streams are subtitles; the rest is media. */
export function streamKind(stream: MssStream): ResourceKind {
  const fourCC = stream.fourCC?.toUpperCase();
  if (stream.subtype?.toUpperCase() === "ZOET" || fourCC === "JPEG" || fourCC === "PNG") return "image";
  if (stream.type?.toLowerCase() === "image") return "image";
  return stream.type?.toLowerCase() === "text" ? "subtitle" : "media";
}

/** Whether the client requests fragments of this stream at all. */
export function hasFragmentRequests(stream: MssStream): boolean {
  // Without Url the track is embedded; with ManifestOutput its samples are in the manifest (MS-SSTR 2.2.2.3).
  return stream.url !== undefined && !stream.manifestOutput && stream.qualityLevels.length > 0;
}

/**
 * Parses a Smooth Streaming client manifest: every QualityLevel × every fragment of every StreamIndex, in document
 * order. There are no init segments (codec data is in the manifest) and the protection header is no resource.
 * Chunks is ignored: the `c` list is what fragments exist.
 */
export function parseMss(text: string, context: ParseContext): ParsedManifest {
  const references: RawReference[] = [];
  for (const stream of readMssDocument(text).streams) {
    if (stream.url === undefined || !hasFragmentRequests(stream)) continue;
    context.budget.reserve(countFragments(stream.chunks) * stream.qualityLevels.length, "MSS fragments");
    const kind = streamKind(stream);
    const startTimes = fragmentStartTimes(stream.chunks);
    for (const level of stream.qualityLevels) {
      for (const startTime of startTimes) {
        const uri = fillUrlTemplate(stream.url, { ...level, startTime });
        references.push({ uri, bases: NO_BASES, kind });
      }
    }
  }
  return { format: "mss", references };
}
