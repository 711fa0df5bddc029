import { ProgressStoreError } from "./errors.js";
import type { RecordedObject } from "./record.js";
import { abortError } from "./retry.js";

/** What a journal knows of one stored object. */
export type JournaledObject = Pick<RecordedObject, "size" | "sha256">;

/**
 * Where one job keeps its checksum journal between runs (e.g. next to a Lambda's stored plan). An object present
 * in the destination with a journaled entry of the same size is trusted: no origin HEAD, no read-back to hash it.
 * So a job split over many time-boxed runs costs each run only what is new, not every object copied before.
 */
export interface ProgressStore {
  /** Every entry saved so far for this job, by key. */
  load(signal?: AbortSignal): Promise<ReadonlyMap<string, JournaledObject>>;
  /** Adds the entries one run learnt; what earlier runs saved is kept. */
  save(entries: readonly RecordedObject[], signal?: AbortSignal): Promise<void>;
}

/** One run's view of the journal: what earlier runs saved, and what this run learns (copied or hashed). */
export class ChecksumJournal {
  private readonly learnt = new Map<string, RecordedObject>();

  private constructor(
    private readonly store: ProgressStore | undefined,
    private readonly known: ReadonlyMap<string, JournaledObject>,
  ) {}

  /** Loads the store's entries; without a store the journal is empty and learns nothing (the CLI). */
  static async open(store: ProgressStore | undefined, signal?: AbortSignal): Promise<ChecksumJournal> {
    if (store === undefined) return new ChecksumJournal(undefined, new Map());
    try {
      return new ChecksumJournal(store, await store.load(signal));
    } catch (cause) {
      if (signal?.aborted) throw abortError(signal);
      throw new ProgressStoreError("loading the progress journal failed", { cause });
    }
  }

  /** The journaled sha256 of an object present with `size`; undefined when it has to be checked. */
  trusted(key: string, size: number): string | undefined {
    const entry = this.known.get(key);
    return entry?.size === size ? entry.sha256 : undefined;
  }

  learn(object: RecordedObject): void {
    if (this.store === undefined) return;
    const known = this.known.get(object.key);
    if (known?.size === object.size && known.sha256 === object.sha256) return;
    this.learnt.set(object.key, { key: object.key, size: object.size, sha256: object.sha256 });
  }

  /** Saves what this run learnt, once; nothing when there is no store or nothing new. */
  async save(signal?: AbortSignal): Promise<void> {
    if (this.store === undefined || this.learnt.size === 0) return;
    const entries = [...this.learnt.values()];
    this.learnt.clear();
    try {
      await this.store.save(entries, signal);
    } catch (cause) {
      throw new ProgressStoreError(`saving ${entries.length} progress journal entries failed`, { cause });
    }
  }
}
