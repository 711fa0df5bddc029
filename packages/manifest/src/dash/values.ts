import { ManifestParseError } from "../errors.js";
import type { ByteRange } from "../types.js";

function malformed(message: string): ManifestParseError {
  return new ManifestParseError("MALFORMED_MANIFEST", message);
}

const DURATION =
  /^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:[.,]\d*)?)S)?)?$/;
// Calendar units have no fixed length; MPDs use them rarely and players (mpd-parser, shaka) count these.
const UNIT_SECONDS = [365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1] as const;

/** An xs:duration (`PT1H2M3.5S`) in seconds. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === "P" || text.trim().endsWith("T"))
    throw malformed(`invalid duration "${text}"`);
  let seconds = 0;
  UNIT_SECONDS.forEach((unit, index) => {
    const value = match[index + 2];
    if (value !== undefined) seconds += Number(value.replace(",", ".")) * unit;
  });
  return match[1] ? -seconds : seconds;
}

/** An xs:dateTime in milliseconds since the epoch; without a zone it is taken as UTC, as DASH players do. */
export function parseDateTime(text: string): number {
  const trimmed = text.trim();
  const hasZone = /(?:Z|[+-]\d\d:?\d\d)$/i.test(trimmed);
  const millis = Date.parse(hasZone ? trimmed : `${trimmed}Z`);
  if (Number.isNaN(millis)) throw malformed(`invalid date-time "${text}"`);
  return millis;
}

/** A non-negative integer or decimal attribute (`timescale`, `d`, `startNumber`…). */
export function parseNumber(text: string, what: string): number {
  const value = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(value)) throw malformed(`invalid ${what} "${text}"`);
  return value;
}

/**
 * DASH `a-b` (last byte included) as the package's `{ offset, length }`. An open range `a-` (to the end of the
 * file) has no length to give: it is returned as undefined, the whole file being copied anyway.
 */
export function parseByteRange(text: string): ByteRange | undefined {
  const match = /^\s*(\d+)\s*-\s*(\d*)\s*$/.exec(text);
  if (!match) throw malformed(`invalid byte range "${text}"`);
  if (match[2] === "") return undefined;
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (last < first || !Number.isSafeInteger(last)) throw malformed(`invalid byte range "${text}"`);
  return { offset: first, length: last - first + 1 };
}
