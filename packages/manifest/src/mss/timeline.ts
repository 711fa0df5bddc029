import { ManifestParseError } from "../errors.js";
import type { MssChunk } from "./document.js";

/** How many fragments a list of `c` elements stands for, without expanding it (`r` is a count, MS-SSTR 2.2.2.6). */
export function countFragments(chunks: readonly MssChunk[]): number {
  return Number(chunks.reduce((total, chunk) => total + chunk.repeat, 0n));
}

/**
 * The start time of every fragment, in order. A `c` without `t` starts where the previous one ended (the first
 * at 0); `r` fragments of duration `d` follow each other. Reserve the count first: this allocates one per fragment.
 */
export function fragmentStartTimes(chunks: readonly MssChunk[]): bigint[] {
  const times: bigint[] = [];
  let nextStart: bigint | undefined = 0n;
  chunks.forEach((chunk, index) => {
    const start = chunk.time ?? nextStart;
    if (start === undefined) {
      throw new ManifestParseError(
        "MALFORMED_MANIFEST",
        `c ${index + 1} has no t and the c before it has no d: its start time is unknown`,
      );
    }
    const { duration, repeat } = chunk;
    if (duration === undefined) {
      if (repeat > 1n) {
        throw new ManifestParseError("MALFORMED_MANIFEST", `c ${index + 1} has r="${repeat}" but no d`);
      }
      times.push(start);
      nextStart = undefined;
      return;
    }
    for (let fragment = 0n; fragment < repeat; fragment++) times.push(start + fragment * duration);
    nextStart = start + repeat * duration;
  });
  return times;
}
