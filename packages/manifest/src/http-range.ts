/**
 * Single-range `Range: bytes=…` parsing (RFC 9110 §14.1.2) into the package's ByteRange ({offset, length}), and the
 * `Content-Range` answering it: pure text, for every server the project runs (the test origin, the MediaPackage
 * emulator, `vod-harvest preview`).
 */
import type { ByteRange } from "./types.js";

/**
 * `undefined`: no Range, or one we ignore (other unit, several ranges, malformed) — RFC 9110 lets a server ignore
 * Range and send 200. `"unsatisfiable"`: answer 416. Otherwise the clamped range to send with 206.
 */
export type RangeOutcome = ByteRange | "unsatisfiable" | undefined;

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

export function parseRange(header: string | undefined, size: number): RangeOutcome {
  if (header === undefined) return undefined;
  const match = SINGLE_RANGE.exec(header.trim());
  if (!match) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    // Suffix form: the last n bytes; n = 0 or an empty file leaves nothing to send.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const offset = Number(first);
  const end = last === "" ? size - 1 : Number(last);
  if (last !== "" && end < offset) return undefined; // invalid spec → ignore the header
  if (offset >= size) return "unsatisfiable";
  return { offset, length: Math.min(end, size - 1) - offset + 1 };
}

export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.offset}-${range.offset + range.length - 1}/${size}`;
}
