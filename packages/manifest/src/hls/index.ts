import type { ParseContext } from "../parse-context.js";
import type { ParsedManifest } from "../types.js";
import { mediaReferences } from "./media.js";
import { multivariantReferences } from "./multivariant.js";
import { segmentKind, surveyPlaylist } from "./survey.js";
import { tokenizeHls } from "./tokenize.js";
import { PlaylistVariables } from "./variables.js";

/**
 * Parses an HLS playlist (BOM already stripped) into its references, in document order: a survey of the text
 * says what the playlist is, then one pass over the lazily tokenized lines collects the references, counting
 * them against the budget as it goes so that memory stays bounded.
 *
 * Policy on broken input: a tag that names no resource (no URI attribute, or no URI line before the end or the
 * next EXT-X-STREAM-INF) yields no reference, as players skip it; a value that cannot be read where a reference
 * needs it (a byte range that is not `n[@o]`) is a ManifestParseError MALFORMED_MANIFEST. Variables are strict,
 * as the RFC requires of clients: a malformed or repeated EXT-X-DEFINE is MALFORMED_MANIFEST, a reference or
 * IMPORT/QUERYPARAM without a value is UNDEFINED_VARIABLE.
 */
export function parseHls(text: string, context: ParseContext): ParsedManifest {
  const survey = surveyPlaylist(text);
  const multivariant = survey.format === "hls-multivariant";
  const variables = new PlaylistVariables(
    { multivariant, query: context.query ?? "", parentVariables: context.parentVariables },
    context.limits.maxManifestBytes - text.length,
  );
  const tokens = tokenizeHls(text, variables);
  const references = multivariant
    ? multivariantReferences(tokens, context.budget)
    : mediaReferences(tokens, segmentKind(survey, context.role), context.budget);
  return variables.variables.size === 0
    ? { format: survey.format, references }
    : { format: survey.format, references, variables: variables.variables };
}
