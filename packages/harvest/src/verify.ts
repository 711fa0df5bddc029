import type { ObjectSink } from "@vod-harvest/s3-sink";
import { listPresent } from "./present.js";

/** What is wrong with one stored object: found by a listing (missing, resized) or by reading it back. */
export interface VerifyProblem {
  readonly key: string;
  readonly problem: "missing" | "resized" | "altered" | "unreadable";
  readonly detail: string;
}

/**
 * Lists where the planned keys live (in parallel, see listPresent) and checks every planned key is there with its
 * expected size. Only a run whose verification finds nothing may write the completion record; `verify` starts
 * from it too.
 */
export async function verifyStored(
  sink: ObjectSink,
  expected: ReadonlyMap<string, number>,
  signal?: AbortSignal,
): Promise<VerifyProblem[]> {
  const present = await listPresent(sink, [...expected.keys()], signal);
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
