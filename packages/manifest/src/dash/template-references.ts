import { ManifestParseError } from "../errors.js";
import type { ResourceBudget } from "../limits.js";
import type { RawReference } from "../types.js";
import { durationSegmentRange } from "./duration.js";
import type { DashRepresentation } from "./inherit.js";
import type { Presentation } from "./presentation.js";
import { numberAttribute, type RepresentationReferences, reference, urlTypeReference } from "./references.js";
import {
  compileTemplate,
  hasSubNumber,
  isPerSegment,
  REPRESENTATION_IDENTIFIERS,
  type TemplateValues,
} from "./template.js";
import { expandTimeline, readTimeline, type TimelineBounds } from "./timeline.js";

/**
 * A segment's place: its $Number$ and its $Time$ (timescale units, presentationTimeOffset included), and how many
 * Segments its Segment Sequence holds (S@k or SegmentTemplate@k; 1 without), addressed by $SubNumber$.
 */
interface SegmentPosition {
  readonly number: number;
  readonly time: number;
  readonly subSegments: number;
}

/** SegmentTemplate@k, or 1. */
function templateK(attributes: ReadonlyMap<string, string>): number {
  const k = numberAttribute(attributes, "k", 1);
  if (!Number.isInteger(k) || k < 1) {
    throw new ManifestParseError("MALFORMED_MANIFEST", `SegmentTemplate@k must be an integer ≥ 1, got ${k}`);
  }
  return k;
}

/** Timeline bounds for an open `r="-1"`, converted to the timeline's units (ISO/IEC 23009-1 5.3.9.6). */
function timelineBounds(
  representation: DashRepresentation,
  presentation: Presentation,
  timescale: number,
  presentationTimeOffset: number,
): TimelineBounds {
  const { start, duration } = representation.period;
  const toMediaTime = (seconds: number) => seconds * timescale + presentationTimeOffset;
  const periodEnd = duration === undefined ? undefined : toMediaTime(duration);
  if (!presentation.dynamic) return { periodEnd, liveEdge: undefined };
  const elapsed = (presentation.now - presentation.availabilityStartTime) / 1000 - (start ?? 0);
  return { periodEnd, liveEdge: toMediaTime(elapsed) };
}

/** Every segment of a SegmentTemplate: from its SegmentTimeline, its @duration, or the one segment it names. */
function templateSegmentPositions(
  representation: DashRepresentation,
  presentation: Presentation,
  budget: ResourceBudget,
): SegmentPosition[] {
  const { attributes, timeline } = representation.segments;
  const timescale = numberAttribute(attributes, "timescale", 1);
  const presentationTimeOffset = numberAttribute(attributes, "presentationTimeOffset", 0);
  const startNumber = numberAttribute(attributes, "startNumber", 1);
  const endNumber = numberAttribute(attributes, "endNumber");
  const duration = numberAttribute(attributes, "duration");

  if (timeline) {
    const bounds = timelineBounds(representation, presentation, timescale, presentationTimeOffset);
    const maxCount = endNumber === undefined ? undefined : Math.max(0, endNumber - startNumber + 1);
    const entries = readTimeline(timeline);
    const times = expandTimeline(entries, bounds, budget, maxCount);
    // Per-S Segment Sequences of different sizes would need per-time k: refused rather than guessed.
    const ks = new Set(entries.map((entry) => entry.k ?? 1).filter((k) => k !== 1));
    if (ks.size > 1) {
      throw new ManifestParseError(
        "UNSUPPORTED_FEATURE",
        `SegmentTimeline with different S@k (${[...ks].join(", ")})`,
      );
    }
    const subSegments = [...ks][0] ?? templateK(attributes);
    return times.map((time, index) => ({ number: startNumber + index, time, subSegments }));
  }
  if (duration !== undefined) {
    const range = durationSegmentRange(
      { duration, timescale, startNumber, endNumber },
      representation.period,
      presentation,
    );
    budget.reserve(range.count, "SegmentTemplate segments");
    const subSegments = templateK(attributes);
    const positions: SegmentPosition[] = [];
    for (let index = range.first; index < range.first + range.count; index++) {
      positions.push({
        number: startNumber + index,
        time: presentationTimeOffset + index * duration,
        subSegments,
      });
    }
    return positions;
  }
  // Neither: the Representation has a single segment (ISO/IEC 23009-1 5.3.9.2).
  budget.reserve(1, "SegmentTemplate segments");
  return [{ number: startNumber, time: presentationTimeOffset, subSegments: templateK(attributes) }];
}

/** SegmentTemplate: the init (@initialization or Initialization), index and media templates filled in. */
export function segmentTemplateReferences(
  representation: DashRepresentation,
  presentation: Presentation,
  budget: ResourceBudget,
): RepresentationReferences {
  const { segments, bases, kind, id, bandwidth } = representation;
  const { attributes } = segments;
  const constants = { representationId: id, bandwidth, number: 0, time: 0 };

  const initTemplate = attributes.get("initialization");
  const init =
    initTemplate !== undefined
      ? [
          reference(
            compileTemplate(initTemplate.trim(), REPRESENTATION_IDENTIFIERS)(constants),
            bases,
            "init",
          ),
        ]
      : segments.initialization
        ? [urlTypeReference(segments.initialization, representation, "init")]
        : [];

  const mediaTemplate = attributes.get("media")?.trim();
  const indexTemplate = attributes.get("index")?.trim();
  const needsPositions =
    mediaTemplate !== undefined || (indexTemplate !== undefined && isPerSegment(indexTemplate));
  const positions = needsPositions ? templateSegmentPositions(representation, presentation, budget) : [];

  const fill = (template: string): RawReference[] => {
    const compiled = compileTemplate(template);
    if (!hasSubNumber(template)) {
      return positions.map((position) =>
        reference(compiled({ representationId: id, bandwidth, ...position }), bases, kind),
      );
    }
    // $SubNumber$: every Segment of every Segment Sequence is a file of its own.
    const out: RawReference[] = [];
    for (const position of positions) {
      if (position.subSegments > 1) budget.reserve(position.subSegments - 1, "SegmentTemplate sub-segments");
      for (let subNumber = 1; subNumber <= position.subSegments; subNumber++) {
        const values: TemplateValues = { representationId: id, bandwidth, ...position, subNumber };
        out.push(reference(compiled(values), bases, kind));
      }
    }
    return out;
  };
  const media = mediaTemplate === undefined ? [] : fill(mediaTemplate);
  let index: RawReference[] = [];
  if (indexTemplate !== undefined) {
    if (isPerSegment(indexTemplate)) {
      budget.reserve(positions.length, "SegmentTemplate index segments");
      index = fill(indexTemplate);
    } else {
      index = [reference(compileTemplate(indexTemplate, REPRESENTATION_IDENTIFIERS)(constants), bases, kind)];
    }
  } else if (segments.representationIndex) {
    index = [urlTypeReference(segments.representationIndex, representation, kind)];
  }
  return { init, index, media };
}
