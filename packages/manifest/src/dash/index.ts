import type { ResourceBudget } from "../limits.js";
import type { ParseContext } from "../parse-context.js";
import type { ParsedManifest, RawReference } from "../types.js";
import { createXmlReader } from "../xml.js";
import { type DashRepresentation, flattenRepresentations } from "./inherit.js";
import { type Presentation, readPresentation, timePeriods } from "./presentation.js";
import {
  baseUrlOnlyReferences,
  type RepresentationReferences,
  segmentBaseReferences,
  segmentListReferences,
} from "./references.js";
import { segmentTemplateReferences } from "./template-references.js";
import { resolveXlinks } from "./xlink.js";

/** Elements kept as raw text for their own lexer (timeline.ts): building 100,000 `S` nodes costs 10× more. */
const RAW_CONTENT_ELEMENTS: readonly string[] = ["SegmentTimeline"];

/** The MPD's XML reader: the shared one, with SegmentTimeline content kept raw. */
export const readMpdXml = createXmlReader(RAW_CONTENT_ELEMENTS);

/**
 * A SegmentTemplate without @media or a SegmentList without SegmentURL addresses no media segment: the BaseURL
 * is then the media file, as for a Representation with no segment information at all.
 */
function withBaseUrlIfNoMedia(
  representation: DashRepresentation,
  references: RepresentationReferences,
  budget: ResourceBudget,
): RepresentationReferences {
  if (references.media.length > 0 || representation.segments.attributes.get("media") !== undefined) {
    return references;
  }
  budget.reserve(1);
  return { ...references, media: baseUrlOnlyReferences(representation).media };
}

/** Lists one Representation's references by its addressing mode. */
function representationReferences(
  representation: DashRepresentation,
  presentation: Presentation,
  budget: ResourceBudget,
): RepresentationReferences {
  switch (representation.segments.mode) {
    case "template":
      return withBaseUrlIfNoMedia(
        representation,
        segmentTemplateReferences(representation, presentation, budget),
        budget,
      );
    case "list":
      return withBaseUrlIfNoMedia(
        representation,
        segmentListReferences(representation, (count) => budget.reserve(count, "SegmentList segments")),
        budget,
      );
    case "base":
      budget.reserve(1);
      return segmentBaseReferences(representation);
    case "none":
      budget.reserve(1);
      return baseUrlOnlyReferences(representation);
  }
}

/**
 * Puts a Representation's references in order: init, index, media; except that an init or index range inside a
 * file that also holds media segments comes after them, so that the file is first met (and kept) as media.
 * A reference to the Representation's own file when it has no BaseURL would name the MPD itself: dropped.
 */
export function orderReferences(references: RepresentationReferences): RawReference[] {
  const { init, index, media } = references;
  const before: RawReference[] = [];
  const after: RawReference[] = [];
  for (const ref of [...init, ...index]) {
    (media.some((segment) => segment.uri === ref.uri) ? after : before).push(ref);
  }
  const ordered = before.length === 0 && after.length === 0 ? media : [...before, ...media, ...after];
  return ordered.filter((ref) => ref.uri !== "" || ref.bases.length > 0);
}

/**
 * Parses an MPD into its references: XML → MPD timing → xlink (resolve-to-zero removed, remote elements refused) →
 * Period timing → Representations with everything inherited → segments per addressing mode. URLs stay unresolved
 * (`uri` + `bases`), see resolve.ts.
 */
export function parseDash(text: string, context: ParseContext): ParsedManifest {
  const xml = readMpdXml(text);
  const presentation = readPresentation(xml, context.now); // first: it refuses a root that is no MPD
  const mpd = resolveXlinks(xml);
  const periods = timePeriods(mpd, presentation);
  const references: RawReference[] = [];
  for (const representation of flattenRepresentations(mpd, periods)) {
    for (const ref of orderReferences(
      representationReferences(representation, presentation, context.budget),
    )) {
      references.push(ref);
    }
  }
  return { format: "dash", references };
}
