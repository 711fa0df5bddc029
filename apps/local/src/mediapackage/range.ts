/** HTTP Range (RFC 9110 §14.2) for one range of a file of known size; several ranges are answered whole. */
import type { ByteRangeRequest } from "./types.js";

/**
 * `bytes=a-b`, `bytes=a-`, `bytes=-n` → {offset, length} clamped to the size; "unsatisfiable" when it starts past
 * the end; undefined when absent, malformed or multi-range (the whole file is then sent with 200).
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRangeRequest | "unsatisfiable" | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const first = Number(match[1]);
  const last = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== "" && Number(match[2]) < first) return undefined;
  if (first >= size) return "unsatisfiable";
  return { offset: first, length: last - first + 1 };
}
