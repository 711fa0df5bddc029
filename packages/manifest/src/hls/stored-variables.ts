import { ManifestParseError } from "../errors.js";
import type { HlsVariables } from "../types.js";
import { attributeSpans } from "./attribute-list.js";
import { DEFINE_TAG, isDefineLine, NOT_IN_QUOTED_STRING } from "./variables.js";

/** Replace `[start, end)` of a text with `text`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Edits that make a stored HLS playlist define by value each variable it took from its URL's query: the copy is
 * served from another URL, without the origin's query string, so `QUERYPARAM="n"` becomes
 * `NAME="n",VALUE="<the value the parse used>"`. Nothing else on the line changes.
 * `variables` is the playlist's own parse (ParsedManifest.variables), which holds every value it used.
 */
export function queryParamDefinitionEdits(text: string, variables: HlsVariables | undefined): TextEdit[] {
  const edits: TextEdit[] = [];
  // Most playlists define nothing: no line-by-line scan (a match per line) for them.
  if (!text.includes(DEFINE_TAG)) return edits;
  const lines = /[^\r\n]+/g;
  for (let line = lines.exec(text); line; line = lines.exec(text)) {
    const content = line[0];
    if (!isDefineLine(content)) continue;
    const attributesStart = content.indexOf(":") + 1;
    // The last QUERYPARAM is the one the parse read (parseAttributeList keeps a repeated name's last value).
    const query = attributeSpans(content, attributesStart).findLast((span) => span.name === "QUERYPARAM");
    if (query === undefined) continue;
    const value = variables?.get(query.value);
    if (value === undefined || NOT_IN_QUOTED_STRING.test(value)) {
      throw new ManifestParseError(
        "UNDEFINED_VARIABLE",
        `cannot store EXT-X-DEFINE QUERYPARAM="${query.value}" by value: the parse holds no usable value for it`,
      );
    }
    edits.push({
      start: line.index + query.start,
      end: line.index + query.end,
      text: `NAME="${query.value}",VALUE="${value}"`,
    });
  }
  return edits;
}
