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

/** Compares the sizes found with the sizes expected: a key not found is missing, another size resized. */
function problemsOf(
  sink: ObjectSink,
  expected: ReadonlyMap<string, number>,
  present: ReadonlyMap<string, number>,
): VerifyProblem[] {
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

/** The sizes of `keys` as the sink stores them now: read directly where it can, else by listing. */
function presentSizes(sink: ObjectSink, keys: readonly string[], signal?: AbortSignal) {
  return sink.sizes === undefined ? listPresent(sink, keys, signal) : sizesOf(sink, keys, signal);
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
  return problemsOf(sink, expected, await presentSizes(sink, [...expected.keys()], signal));
}

/** Keys sized at once while a copy goes on. */
const CHECK_BATCH = 512;

/**
 * verifyStored spread over the copy: each object this run stores is sized once it is stored, a batch at a time,
 * while the copy goes on (a sink that reads sizes directly only: a listing would read everything again), and only
 * what that did not confirm is read after the copy. A 4,005-file copy's last step before its completion record
 * went from ~60 ms of sizes to the last batch's. A key counts as confirmed only when read with the very size its
 * put returned, after that put returned; anything else (missing then, another size, a batch the sink could not
 * read) is read again at the end, where a failure is the run's.
 */
export function createStoredCheck(sink: ObjectSink, signal?: AbortSignal) {
  /** Keys read during the copy with the size their put returned. */
  const confirmed = new Map<string, number>();
  let batch: Array<{ key: string; size: number }> = [];
  // One batch at a time, in order.
  let checking: Promise<void> = Promise.resolve();
  const check = (objects: ReadonlyArray<{ key: string; size: number }>) => async () => {
    const keys = objects.map(({ key }) => key);
    const present = await sizesOf(sink, keys, signal);
    for (const { key, size } of objects) if (present.get(key) === size) confirmed.set(key, size);
  };
  return {
    /** An object this run has just stored, with the size its put returned. */
    stored(key: string, size: number): void {
      if (sink.sizes === undefined) return;
      batch.push({ key, size });
      if (batch.length < CHECK_BATCH) return;
      // Not read now means read at the end (see above): no error of a batch is lost.
      checking = checking.then(check(batch)).catch(() => undefined);
      batch = [];
    },
    /** verifyStored's problems, reading only the keys not confirmed during the copy. */
    async verify(expected: ReadonlyMap<string, number>): Promise<VerifyProblem[]> {
      await checking;
      const rest = [...expected].filter(([key, size]) => confirmed.get(key) !== size).map(([key]) => key);
      const present = rest.length > 0 ? await presentSizes(sink, rest, signal) : new Map<string, number>();
      for (const [key, size] of confirmed) if (!present.has(key)) present.set(key, size);
      return problemsOf(sink, expected, present);
    },
  };
}
