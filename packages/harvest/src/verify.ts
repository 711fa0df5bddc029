import type { ObjectSink } from "@vod-harvest/s3-sink";
import { listPresent } from "./present.js";

/** What is wrong with one stored object: found by a listing (missing, resized) or by reading it back. */
export interface VerifyProblem {
  readonly key: string;
  readonly problem: "missing" | "resized" | "altered" | "unreadable";
  readonly detail: string;
}

/** The stored sizes of `keys`, asked of a sink that reads them directly (see ObjectSink.sizes). */
async function sizesOf(sink: ObjectSink, keys: readonly string[], signal?: AbortSignal) {
  const sizes = (await sink.sizes?.(keys, signal)) ?? [];
  const present = new Map<string, number>();
  keys.forEach((key, index) => {
    const size = sizes[index];
    if (size !== undefined) present.set(key, size);
  });
  return present;
}

/**
 * Reads the stored sizes of the planned keys (directly where the sink can, else by listing where they live, in
 * parallel: see listPresent) and checks every planned key is there with its expected size. Only a run whose
 * verification finds nothing may write the completion record; `verify` starts from it too.
 */
export async function verifyStored(
  sink: ObjectSink,
  expected: ReadonlyMap<string, number>,
  signal?: AbortSignal,
): Promise<VerifyProblem[]> {
  const keys = [...expected.keys()];
  const present =
    sink.sizes === undefined ? await listPresent(sink, keys, signal) : await sizesOf(sink, keys, signal);
  const problems: VerifyProblem[] = [];
  for (const [key, size] of expected) {
    const found = present.get(key);
    if (found === undefined)
      problems.push({ key, problem: "missing", detail: `missing from ${sink.location}` });
    else if (found !== size) {
      problems.push({
        key,
        problem: "resized",
        detail: `${found} bytes in ${sink.location}, expected ${size}`,
      });
    }
  }
  return problems;
}
