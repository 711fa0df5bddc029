import type { Resource } from "@vod-harvest/manifest";
import type { ProgressStore } from "./stored-object.js";

/** Name of the completion record, written last at the root of the content prefix. */
export const COMPLETION_RECORD_KEY = "_vod-harvest-complete.json";

export interface OriginRequest {
  /** The entry manifest (multivariant HLS, DASH MPD or MSS Manifest). */
  readonly entryUrl: string;
  /** Sent with every origin request. Values are secrets: never logged, printed or put in an error. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Hosts besides the entry's origin whose resources may be copied (stored under `_external/<host>/`). */
  readonly allowHosts?: readonly string[];
}

/** A manifest as fetched during planning, and the bytes to store for it (references made relative). */
export interface PlannedManifest {
  readonly url: string;
  readonly key: string;
  /** What is stored: the text as served, or with absolute / path-absolute references made relative. */
  readonly body: string;
  readonly rewritten: boolean;
  /** Absolute references in reference positions the parse did not produce (so not copied), kept as written. */
  readonly keptAbsolute?: readonly string[];
}

/**
 * Everything needed to copy an asset, JSON-serialisable so a time-boxed worker (a Lambda) can store it once and
 * resume from it without crawling the origin again.
 */
export interface HarvestPlan {
  readonly entryUrl: string;
  readonly entryKey: string;
  readonly root: string;
  /** OriginRequest.allowHosts: redirects during the copy are held to the same origin policy as the crawl. */
  readonly allowHosts: readonly string[];
  /** Every resource, manifests included, entry first. */
  readonly resources: readonly Resource[];
  /** Manifest bodies by key. */
  readonly manifests: readonly PlannedManifest[];
}

export type HarvestStatus = "COMPLETE" | "INCOMPLETE" | "SKIPPED";

export interface FailedResource {
  readonly url: string;
  readonly key: string;
  /** Error name and message; never holds header values. */
  readonly error: string;
}

export interface HarvestResult {
  readonly status: HarvestStatus;
  /** Objects of the asset now present (copied this run or found present), the record excluded. */
  readonly objects: number;
  readonly bytes: number;
  /** Key of the entry manifest, relative to the destination. */
  readonly entry: string;
  readonly failed: readonly FailedResource[];
  /** True when the run stopped at its time budget or signal before finishing (status INCOMPLETE). */
  readonly stoppedEarly: boolean;
}

export type ProgressEvent =
  | { readonly type: "planned"; readonly objects: number; readonly manifests: number }
  | {
      readonly type: "object";
      readonly key: string;
      readonly bytes: number;
      /** "copied" this run, "present" already in the destination with the expected size. */
      readonly outcome: "copied" | "present";
    }
  | { readonly type: "retry"; readonly key: string; readonly attempt: number; readonly error: string }
  | { readonly type: "failed"; readonly key: string; readonly url: string; readonly error: string }
  | {
      readonly type: "progress";
      readonly objectsDone: number;
      readonly objectsTotal: number;
      readonly bytesDone: number;
    };

export interface CopyOptions {
  /** Parallel transfers. Default 32. */
  readonly concurrency?: number;
  /** Most origin requests started per second; unlimited by default. */
  readonly ratePerSecond?: number;
  /** Copy again even when a completion record or the objects exist. */
  readonly overwrite?: boolean;
  /**
   * The run's time budget, as a signal (`AbortSignal.timeout(ms)`, or one a test fires on an event): when it
   * fires, in-flight transfers and the verification are cut, the journal
   * is saved, and the result is INCOMPLETE with stoppedEarly; a later run goes on from there. Unlike `signal`
   * (stop now, write nothing more).
   */
  readonly budget?: AbortSignal;
  /** Attempts per request, the first included. Default 5. */
  readonly attempts?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
  /**
   * The job's checksum journal, what makes a run resumable: loaded at the start, and each object written is
   * journaled (appended at once by a store that can, else saved at the end of every run, also one stopped by its
   * budget or failed; not one stopped by `signal`). Only objects it vouches for are kept when found present;
   * without it every object is fetched again.
   */
  readonly progress?: ProgressStore;
}
