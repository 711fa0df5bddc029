import { ManifestParseError } from "../errors.js";
import type { Presentation } from "./presentation.js";

/** Segment indexes `first .. first + count - 1`, 0 being the segment numbered startNumber. */
export interface SegmentRange {
  readonly first: number;
  readonly count: number;
}

export interface DurationAddressing {
  /** Segment duration in timescale units. */
  readonly duration: number;
  readonly timescale: number;
  readonly startNumber: number;
  readonly endNumber: number | undefined;
}

export interface PeriodWindow {
  /** Seconds from the presentation start. */
  readonly start: number | undefined;
  readonly duration: number | undefined;
}

// Seconds times timescale is not exact in binary; a millionth of a segment is rounding noise, not a segment.
const EPSILON = 1e-6;

function lastByEndNumber(addressing: DurationAddressing): number | undefined {
  const { endNumber, startNumber } = addressing;
  return endNumber === undefined ? undefined : Math.max(0, endNumber - startNumber + 1);
}

/**
 * Which segments a duration-based SegmentTemplate has (ISO/IEC 23009-1 5.3.9.5.3). Static: every segment of the
 * Period, the last partial one included (rounding up), or exactly up to @endNumber when given. Dynamic: the
 * segments complete at `now` and still inside the time-shift buffer, and never past the Period's end.
 */
export function durationSegmentRange(
  addressing: DurationAddressing,
  period: PeriodWindow,
  presentation: Presentation,
): SegmentRange {
  const { duration, timescale } = addressing;
  if (!(duration > 0) || !(timescale > 0)) {
    throw new ManifestParseError(
      "MALFORMED_MANIFEST",
      `invalid SegmentTemplate duration ${duration}/${timescale}`,
    );
  }
  const byEndNumber = lastByEndNumber(addressing);
  const segmentSeconds = duration / timescale;
  const wholePeriod =
    period.duration === undefined
      ? undefined
      : Math.max(0, Math.ceil(period.duration / segmentSeconds - EPSILON));

  if (!presentation.dynamic) {
    const count = byEndNumber ?? wholePeriod;
    if (count === undefined) {
      throw new ManifestParseError(
        "MALFORMED_MANIFEST",
        "duration-based SegmentTemplate in a Period of unknown duration (no Period@duration, next Period@start, " +
          "MPD@mediaPresentationDuration or @endNumber)",
      );
    }
    return { first: 0, count };
  }

  const elapsed = (presentation.now - presentation.availabilityStartTime) / 1000 - (period.start ?? 0);
  const ended = period.duration !== undefined && elapsed >= period.duration;
  let end = ended ? (wholePeriod as number) : Math.floor(elapsed / segmentSeconds + EPSILON);
  if (byEndNumber !== undefined) end = Math.min(end, byEndNumber);
  const first = Math.max(
    0,
    Math.floor((elapsed - presentation.timeShiftBufferDepth) / segmentSeconds + EPSILON),
  );
  return { first, count: Math.max(0, end - first) };
}
