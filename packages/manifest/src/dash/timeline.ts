import { ManifestParseError } from "../errors.js";
import type { ResourceBudget } from "../limits.js";
import { decodeXmlReferences, type XmlElement } from "../xml.js";
import { parseNumber } from "./values.js";

/** One `S` element: start time `t` (optional), duration `d`, repeat count `r` (-1: up to the next t or the end). */
export interface TimelineEntry {
  readonly t: number | undefined;
  readonly d: number;
  readonly r: number;
  /** S@k: Segments in each Segment Sequence this S describes (addressed by $SubNumber$ 1…k); absent: 1. */
  readonly k?: number;
}

/** Where an open `r="-1"` at the end of the timeline stops, in the timeline's own units (timescale, with PTO). */
export interface TimelineBounds {
  /** End of the Period; the last segment may be partial, so counts round up. */
  readonly periodEnd: number | undefined;
  /** Live edge of a dynamic MPD: only segments complete by then exist, so counts round down. */
  readonly liveEdge: number | undefined;
}

// Durations in seconds times timescale are not exact in binary; a millionth of a segment is rounding noise.
const EPSILON = 1e-6;

const COMMENT = /<!--[\s\S]*?-->/g;
// One `S` element, optionally prefixed, empty or closed at once; S has attributes only (ISO/IEC 23009-1 5.3.9.6).
const S_ELEMENT =
  /\s*<(?:[\w.-]+:)?S((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(?:\/>|>\s*<\/(?:[\w.-]+:)?S\s*>)/y;
const ATTRIBUTE = /([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function malformedTimeline(detail: string): ManifestParseError {
  return new ManifestParseError("MALFORMED_MANIFEST", `invalid SegmentTimeline: ${detail}`);
}

function toEntry(attributes: ReadonlyMap<string, string>): TimelineEntry {
  const t = attributes.get("t");
  const d = parseNumber(attributes.get("d") ?? "", "S@d");
  const r = parseNumber(attributes.get("r") ?? "0", "S@r");
  const k = parseNumber(attributes.get("k") ?? "1", "S@k");
  if (d <= 0 || !Number.isInteger(r) || r < -1) throw malformedTimeline(`S with d="${d}" r="${r}"`);
  if (!Number.isInteger(k) || k < 1) throw malformedTimeline(`S with k="${k}"`);
  return { t: t === undefined ? undefined : parseNumber(t, "S@t"), d, r, ...(k !== 1 ? { k } : {}) };
}

/** Lexes the `S` elements of a SegmentTimeline's raw content (see RAW_CONTENT_ELEMENTS); anything else is refused. */
export function lexTimeline(raw: string): TimelineEntry[] {
  const content = raw.includes("<!--") ? raw.replace(COMMENT, "") : raw;
  const entries: TimelineEntry[] = [];
  S_ELEMENT.lastIndex = 0;
  let end = 0;
  for (let match = S_ELEMENT.exec(content); match; match = S_ELEMENT.exec(content)) {
    const attributes = new Map<string, string>();
    for (const [, name = "", double, single] of (match[1] ?? "").matchAll(ATTRIBUTE)) {
      attributes.set(name.slice(name.indexOf(":") + 1), decodeXmlReferences(double ?? single ?? ""));
    }
    entries.push(toEntry(attributes));
    end = S_ELEMENT.lastIndex;
  }
  if (content.slice(end).trim() !== "")
    throw malformedTimeline(`unexpected "${content.slice(end, end + 40).trim()}"`);
  return entries;
}

const timelineCache = new WeakMap<XmlElement, readonly TimelineEntry[]>();

/** The entries of a SegmentTimeline element, lexed once however many Representations share it. */
export function readTimeline(timeline: XmlElement): readonly TimelineEntry[] {
  let entries = timelineCache.get(timeline);
  if (!entries) {
    entries = lexTimeline(timeline.raw ?? "");
    timelineCache.set(timeline, entries);
  }
  return entries;
}

/** How many segments an open `S@r="-1"` starting at `time` yields (one at least: the S itself). */
export function openRepeatCount(
  time: number,
  d: number,
  nextT: number | undefined,
  bounds: TimelineBounds,
): number {
  if (nextT !== undefined) return Math.max(1, Math.ceil((nextT - time) / d - EPSILON));
  const { periodEnd, liveEdge } = bounds;
  if (liveEdge !== undefined && (periodEnd === undefined || liveEdge < periodEnd)) {
    return Math.max(0, Math.floor((liveEdge - time) / d + EPSILON));
  }
  // A static MPD whose Period has no known end gives no bound: the S stands for itself only.
  if (periodEnd === undefined) return 1;
  return Math.max(0, Math.ceil((periodEnd - time) / d - EPSILON));
}

/**
 * Expands a SegmentTimeline into the start time of every segment (ISO/IEC 23009-1 5.3.9.6): `t` defaults to
 * 0 for the first S and to the previous end after; `r` counts extra repeats. Reserves each count from the
 * budget before expanding it, so a hostile `r` fails at once. Stops after `maxCount` segments (endNumber).
 */
export function expandTimeline(
  entries: readonly TimelineEntry[],
  bounds: TimelineBounds,
  budget: ResourceBudget,
  maxCount = Number.POSITIVE_INFINITY,
): number[] {
  const times: number[] = [];
  let time = 0;
  for (let index = 0; index < entries.length && times.length < maxCount; index++) {
    const entry = entries[index] as TimelineEntry;
    if (entry.t !== undefined) time = entry.t;
    const wanted = entry.r >= 0 ? entry.r + 1 : openRepeatCount(time, entry.d, entries[index + 1]?.t, bounds);
    const count = Math.min(wanted, maxCount - times.length);
    budget.reserve(count, "SegmentTimeline segments");
    for (let repeat = 0; repeat < count; repeat++) {
      times.push(time);
      time += entry.d;
    }
  }
  return times;
}
