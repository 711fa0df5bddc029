import type { ParseContext } from "../parse.js";
import type { ParsedManifest } from "../types.js";
import { mediaReferences } from "./media.js";
import { multivariantReferences } from "./multivariant.js";
import { segmentKind, surveyPlaylist } from "./survey.js";
import { tokenizeHls } from "./tokenize.js";

/**
 * Parses an HLS playlist (BOM already stripped) into its references, in document order: a survey of the text
 * says what the playlist is, then one pass over the lazily tokenized lines collects the references, counting
 * them against the budget as it goes so that memory stays bounded.
 *
 * Policy on broken input: a tag that names no resource (no URI attribute, or no URI line before the end or the
 * next EXT-X-STREAM-INF) yields no reference, as players skip it; a value that cannot be read where a reference
 * needs it (a byte range that is not `n[@o]`) is a ManifestParseError MALFORMED_MANIFEST.
 */
export function parseHls(text: string, context: ParseContext): ParsedManifest {
  const survey = surveyPlaylist(text);
  const references =
    survey.format === "hls-multivariant"
      ? multivariantReferences(tokenizeHls(text), context.budget)
      : mediaReferences(tokenizeHls(text), segmentKind(survey, context.role), context.budget);
  return { format: survey.format, references };
}
