/** WebVTT segments for the generated source: one cue per segment saying which segment it is. */

const MPEG_TS_CLOCK = 90_000;

/** `HH:MM:SS.mmm` as WebVTT writes cue times. */
export function formatVttTime(seconds: number): string {
  const millis = Math.round(seconds * 1000);
  const hours = Math.floor(millis / 3_600_000);
  const minutes = Math.floor((millis % 3_600_000) / 60_000);
  const secs = Math.floor((millis % 60_000) / 1000);
  const rest = millis % 1000;
  const pad = (value: number, width: number) => String(value).padStart(width, "0");
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(secs, 2)}.${pad(rest, 3)}`;
}

/**
 * Segment `index` of `segmentSeconds`: cue times are media times from 0, and X-TIMESTAMP-MAP ties LOCAL 0 to the
 * MPEG-TS timestamp where the video starts (`startSeconds`), so the cues line up with the TS segments.
 */
export function formatSubtitleSegment(index: number, segmentSeconds: number, startSeconds: number): string {
  const from = index * segmentSeconds;
  const to = from + segmentSeconds;
  return [
    "WEBVTT",
    `X-TIMESTAMP-MAP=MPEGTS:${Math.round(startSeconds * MPEG_TS_CLOCK)},LOCAL:00:00:00.000`,
    "",
    `${formatVttTime(from)} --> ${formatVttTime(to)}`,
    `Segment ${index + 1}`,
    "",
  ].join("\n");
}
