import { setMaxListeners } from "node:events";
import type { OriginPolicy, Resource } from "@vod-harvest/manifest";
import type { Checksum, ObjectSink } from "@vod-harvest/s3-sink";
import { describeError, InvalidHarvestOptionsError, SinkUnavailableError, SinkWriteError } from "./errors.js";
import type { OriginClient, OriginResponse } from "./http.js";
import type { ChecksumJournal } from "./journal.js";
import { type LaneControl, runLanesAhead } from "./lanes.js";
import { listPresent } from "./present.js";
import { classifySinkError } from "./sink.js";
import { copyResource, dropAhead, openAhead, putManifest, type TransferContext } from "./transfer.js";
import type { CopyOptions, FailedResource, HarvestPlan, PlannedManifest, ProgressEvent } from "./types.js";

export const DEFAULT_CONCURRENCY = 32;
/**
 * Objects in a row whose write failed after every retry before the whole copy stops: a destination that stops
 * answering would otherwise cost every remaining object its full round of retries.
 */
const SINK_FAILURES_BEFORE_STOP = 3;

/**
 * One planned object as it stands after the copy: written by this run, or found present and vouched for by the
 * checksum journal (an earlier run of this job wrote it).
 */
export interface StoredObject {
  readonly url: string;
  readonly key: string;
  readonly size: number;
  readonly checksum: Checksum;
  readonly outcome: "copied" | "present";
}

export interface CopyOutcome {
  readonly stored: ReadonlyMap<string, StoredObject>;
  readonly failed: readonly FailedResource[];
  readonly stoppedEarly: boolean;
}

export interface CopyObjectsOptions extends CopyOptions {
  /** Resolved by the run (resolveConcurrency) before it starts. */
  readonly concurrency: number;
  readonly client: OriginClient;
  readonly policy: OriginPolicy;
  /**
   * Trusts objects present with their journaled size, and learns the objects copied. Without it nothing present is
   * trusted: a file of the right size may hold other bytes (another asset, another tool, a torn write).
   */
  readonly journal?: ChecksumJournal;
}

export function resolveConcurrency(concurrency: number | undefined): number {
  const value = concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidHarvestOptionsError(`concurrency must be an integer ≥ 1, got ${value}`);
  }
  return value;
}

/** Segments first, then child manifests, the entry last (copyObjects stores it once all the others are). */
function copyOrder(plan: HarvestPlan): Resource[] {
  const media = plan.resources.filter((resource) => resource.kind !== "manifest");
  const manifests = plan.resources.filter(
    (resource) => resource.kind === "manifest" && resource.key !== plan.entryKey,
  );
  const entry = plan.resources.filter((resource) => resource.key === plan.entryKey);
  return [...media, ...manifests, ...entry];
}

/**
 * Copies every planned object that is not present as the journal knows it, `concurrency` at a time, pulling work
 * from a generator that stops when the run's signal fires (budget or caller). A resource that still fails after retries is recorded
 * in `failed` and the others go on; a sink failure no put can survive (access, missing bucket) aborts the lot and
 * is thrown.
 */
export async function copyObjects(
  plan: HarvestPlan,
  sink: ObjectSink,
  options: CopyObjectsOptions,
): Promise<CopyOutcome> {
  const { concurrency } = options;
  const overwrite = options.overwrite ?? false;
  const emit = (event: ProgressEvent) => options.onProgress?.(event);
  // Aborted by a fatal sink error; otherwise it follows the run's signal (the caller's and the budget's).
  const run = new AbortController();
  const stopped = () => options.signal?.aborted ?? false;
  const signal = options.signal ? AbortSignal.any([options.signal, run.signal]) : run.signal;
  // Every in-flight request and retry wait listens on this one signal.
  setMaxListeners(concurrency * 4 + 16, signal);
  let fatal: { error: unknown } | undefined;

  const stored = new Map<string, StoredObject>();
  const failed: FailedResource[] = [];
  let bytesDone = 0;
  try {
    const present =
      overwrite || signal.aborted
        ? new Map<string, number>()
        : await listPresent(
            sink,
            plan.resources.map((resource) => resource.key),
            signal,
          );
    const manifests = new Map<string, PlannedManifest>(
      plan.manifests.map((manifest) => [manifest.key, manifest]),
    );
    const context: TransferContext = {
      client: options.client,
      policy: options.policy,
      sink,
      signal,
      onRetry: (key, attempt, error) => emit({ type: "retry", key, attempt, error: describeError(error) }),
    };

    /** The journaled checksum of an object present as an earlier run of this job wrote it (never fetched again). */
    const trustedPresent = (resource: Resource) => {
      const presentSize = present.get(resource.key);
      return overwrite || presentSize === undefined
        ? undefined
        : options.journal?.trusted(resource.key, presentSize);
    };
    const fetched = (resource: Resource) =>
      !manifests.has(resource.key) && trustedPresent(resource) === undefined;

    const store = async (
      resource: Resource,
      opened?: Promise<OriginResponse>,
      lane?: LaneControl,
    ): Promise<StoredObject> => {
      const presentSize = present.get(resource.key);
      const journaled = trustedPresent(resource);
      if (presentSize !== undefined && journaled !== undefined) {
        // Written and checksummed by an earlier run of this job: neither the origin nor the object is read again.
        return {
          url: resource.url,
          key: resource.key,
          size: presentSize,
          checksum: journaled,
          outcome: "present",
        };
      }
      // Anything else present is replaced: its size may match while its bytes do not.
      const replace = overwrite || presentSize !== undefined;
      const manifest = manifests.get(resource.key);
      const { size, checksum } =
        manifest !== undefined
          ? await putManifest(context, manifest, replace)
          : await copyResource(context, resource, replace, opened, lane);
      return { url: resource.url, key: resource.key, size, checksum, outcome: "copied" };
    };

    // The entry waits until everything else is stored: a partial copy never plays from its entry.
    const order = copyOrder(plan);
    const entryResources = order.filter((resource) => resource.key === plan.entryKey);
    // Synchronous: an async generator's promise per item showed in profiles, and nothing here waits.
    function* work(): Generator<Resource> {
      for (const resource of order) {
        if (signal.aborted) return;
        if (resource.key !== plan.entryKey) yield resource;
      }
    }

    let sinkFailuresInARow = 0;
    const storeOne = async (resource: Resource, opened?: Promise<OriginResponse>, lane?: LaneControl) => {
      try {
        const object = await store(resource, opened, lane);
        sinkFailuresInARow = 0;
        stored.set(object.key, object);
        const { key, size, checksum, outcome } = object;
        if (outcome === "copied") options.journal?.learn({ key, size, checksum });
        bytesDone += object.size;
        emit({ type: "object", key: object.key, bytes: object.size, outcome: object.outcome });
        emit({ type: "progress", objectsDone: stored.size, objectsTotal: plan.resources.length, bytesDone });
      } catch (error) {
        if (fatal !== undefined) return;
        if (classifySinkError(error) === "fatal") {
          fatal = { error };
          run.abort(error);
          return;
        }
        if (signal.aborted) return; // stopped by the budget or the caller: not a failure of this resource
        if (error instanceof SinkWriteError && ++sinkFailuresInARow >= SINK_FAILURES_BEFORE_STOP) {
          fatal = { error: new SinkUnavailableError(sink.location, SINK_FAILURES_BEFORE_STOP, error) };
          run.abort(fatal.error);
          return;
        }
        const failure = { url: resource.url, key: resource.key, error: describeError(error) };
        failed.push(failure);
        emit({ type: "failed", ...failure });
      }
    };
    // Each lane starts its next GET once its current body is in memory, while that one is stored: the network and
    // the file writer work at once instead of in turns. Still at most `concurrency` puts and GETs in flight.
    await runLanesAhead(work(), concurrency, {
      prepare: (resource) => (fetched(resource) ? openAhead(context, resource) : undefined),
      release: dropAhead,
      work: storeOne,
    });
    if (failed.length === 0 && fatal === undefined && !signal.aborted) {
      for (const resource of entryResources) await storeOne(resource);
    }
  } catch (error) {
    // Only the listing can get here: stopped by the budget or the caller it is an early stop, else thrown as is.
    if (!stopped()) throw error;
  }
  if (fatal !== undefined) throw fatal.error;
  return { stored, failed, stoppedEarly: stopped() };
}
