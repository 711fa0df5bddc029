import { ManifestParseError } from "../errors.js";
import type { ByteRange } from "../types.js";

/** `n[@o]` of EXT-X-BYTERANGE and of the BYTERANGE attributes: a length and, optionally, an offset. */
export interface ByteRangeSpec {
  readonly length: number;
  readonly offset?: number;
}

function byteCount(value: number | undefined, what: string, line: number): number {
  if (value === undefined || !Number.isSafeInteger(value) || value < 0) {
    throw new ManifestParseError("MALFORMED_MANIFEST", `invalid byte range ${what} at line ${line}`);
  }
  return value;
}

/** Checks a byte range m3u8-parser has read (it yields NaN or nothing for junk): a whole length, maybe an offset. */
export function toByteRangeSpec(
  parsed: { readonly length?: number; readonly offset?: number },
  line: number,
): ByteRangeSpec {
  const length = byteCount(parsed.length, "length", line);
  return parsed.offset === undefined
    ? { length }
    : { length, offset: byteCount(parsed.offset, "offset", line) };
}

/** Reads `n[@o]` from text, for the tags m3u8-parser does not parse. */
export function parseByteRangeSpec(text: string, line: number): ByteRangeSpec {
  const match = /^\s*(\d+)(?:@(\d*))?\s*$/.exec(text);
  if (!match?.[1])
    throw new ManifestParseError("MALFORMED_MANIFEST", `invalid byte range "${text}" at line ${line}`);
  const offset = match[2] ? Number(match[2]) : undefined;
  return toByteRangeSpec({ length: Number(match[1]), ...(offset === undefined ? {} : { offset }) }, line);
}

/**
 * Places sub-ranges written without an offset. RFC 8216 §4.3.2.2: such a range begins at the next byte after the
 * previous sub-range of the same resource. Tracked per URI, so that an (invalid) interleaving of resources still
 * continues each one; the first sub-range of a resource without an offset starts at byte 0, as m3u8-parser does.
 */
export class SubRangeTracker {
  private readonly nextOffsetByUri = new Map<string, number>();

  place(uri: string, spec: ByteRangeSpec): ByteRange {
    const offset = spec.offset ?? this.nextOffsetByUri.get(uri) ?? 0;
    this.nextOffsetByUri.set(uri, offset + spec.length);
    return { offset, length: spec.length };
  }
}
