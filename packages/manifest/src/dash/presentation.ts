import { ManifestParseError } from "../errors.js";
import { childrenNamed, type XmlElement } from "../xml.js";
import { parseDateTime, parseDuration } from "./values.js";

/** MPD-wide timing: what a duration-based template or an open timeline needs to know. */
export interface Presentation {
  readonly dynamic: boolean;
  /** Seconds; MPD@mediaPresentationDuration. */
  readonly mediaPresentationDuration: number | undefined;
  /** Epoch milliseconds; 0 when a dynamic MPD omits it. */
  readonly availabilityStartTime: number;
  /** Epoch milliseconds: the instant a dynamic MPD is expanded at. */
  readonly now: number;
  /** Seconds; MPD@timeShiftBufferDepth (Infinity when absent). */
  readonly timeShiftBufferDepth: number;
}

/** One Period with its place on the presentation timeline (seconds from the presentation's start). */
export interface PeriodTiming {
  readonly element: XmlElement;
  readonly index: number;
  /** Undefined when neither @start nor a previous Period's end tells it. */
  readonly start: number | undefined;
  /** Undefined for an open-ended Period (the last one of a live MPD, or a static MPD saying nothing). */
  readonly duration: number | undefined;
}

const FALLBACK_NOW_AFTER_START_MS = 60_000;

function optional<T>(element: XmlElement, name: string, read: (text: string) => T): T | undefined {
  const text = element.attributes.get(name);
  return text === undefined || text.trim() === "" ? undefined : read(text);
}

// Packagers' golden files carry placeholders such as publishTime="some_time": an unreadable instant is taken
// as absent rather than refusing an MPD whose timeline does not depend on it.
function dateTimeOrUndefined(text: string): number | undefined {
  try {
    return parseDateTime(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads MPD-level timing. The package has no clock: a live MPD is expanded at `now`, else at its publishTime,
 * else at availabilityStartTime + 60 s (the corpus oracle's convention).
 */
export function readPresentation(mpd: XmlElement, now: Date | undefined): Presentation {
  if (mpd.name !== "MPD") {
    throw new ManifestParseError("UNRECOGNIZED_MANIFEST", `root element <${mpd.name}> is not an MPD`);
  }
  const dynamic = mpd.attributes.get("type")?.trim() === "dynamic";
  const availabilityStartTime = optional(mpd, "availabilityStartTime", dateTimeOrUndefined) ?? 0;
  const publishTime = optional(mpd, "publishTime", dateTimeOrUndefined);
  return {
    dynamic,
    mediaPresentationDuration: optional(mpd, "mediaPresentationDuration", parseDuration),
    availabilityStartTime,
    now: now?.getTime() ?? publishTime ?? availabilityStartTime + FALLBACK_NOW_AFTER_START_MS,
    timeShiftBufferDepth: optional(mpd, "timeShiftBufferDepth", parseDuration) ?? Number.POSITIVE_INFINITY,
  };
}

/**
 * Places every Period on the timeline (ISO/IEC 23009-1 5.3.2.1): start is @start, else the previous Period's
 * end, else 0 for the first; duration is @duration, else up to the next Period's start, else up to
 * mediaPresentationDuration for the last.
 */
export function timePeriods(mpd: XmlElement, presentation: Presentation): PeriodTiming[] {
  const elements = childrenNamed(mpd, "Period");
  const declared = elements.map((element) => ({
    start: optional(element, "start", parseDuration),
    duration: optional(element, "duration", parseDuration),
  }));
  const starts: (number | undefined)[] = [];
  declared.forEach((period, index) => {
    const previous = index > 0 ? declared[index - 1] : undefined;
    const previousStart = starts[index - 1];
    starts.push(
      period.start ??
        (index === 0
          ? 0
          : previousStart !== undefined && previous?.duration !== undefined
            ? previousStart + previous.duration
            : undefined),
    );
  });
  return elements.map((element, index) => {
    const start = starts[index];
    const nextStart = declared[index + 1]?.start;
    const isLast = index === elements.length - 1;
    let duration = declared[index]?.duration;
    if (duration === undefined && start !== undefined) {
      const end = nextStart ?? (isLast ? presentation.mediaPresentationDuration : undefined);
      duration = end === undefined ? undefined : end - start;
      // A Period that starts at or after its successor, or after the presentation's end, is inconsistent;
      // mpd-parser and streamlink then take mediaPresentationDuration as its length, keeping its segments.
      const whole = presentation.mediaPresentationDuration;
      if (duration !== undefined && duration <= 0 && whole !== undefined && whole > 0) duration = whole;
    }
    return { element, index, start, duration };
  });
}
