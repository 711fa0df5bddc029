import type { Checksum } from "@vod-harvest/s3-sink/base";
import { ProgressStoreError } from "./errors.js";
import { abortError } from "./retry.js";
import type { JournaledObject, ProgressStore, RecordedObject } from "./stored-object.js";

/** One run's view of the journal: what earlier runs saved, and what this run learns (copied). */
export class ChecksumJournal {
  private readonly learnt = new Map<string, RecordedObject>();
  private appendFailure: unknown;

  private constructor(
    private readonly store: ProgressStore | undefined,
    private readonly known: ReadonlyMap<string, JournaledObject>,
  ) {}

  /** Loads the store's entries; without a store the journal is empty and learns nothing. */
  static async open(store: ProgressStore | undefined, signal?: AbortSignal): Promise<ChecksumJournal> {
    if (store === undefined) return new ChecksumJournal(undefined, new Map());
    try {
      return new ChecksumJournal(store, await store.load(signal));
    } catch (cause) {
      if (signal?.aborted) throw abortError(signal);
      throw new ProgressStoreError("loading the progress journal failed", { cause });
    }
  }

  /** The journaled checksum of an object present with `size`; undefined when it has to be fetched again. */
  trusted(key: string, size: number): Checksum | undefined {
    const entry = this.known.get(key);
    return entry?.size === size ? entry.checksum : undefined;
  }

  learn(object: RecordedObject): void {
    if (this.store === undefined) return;
    const known = this.known.get(object.key);
    if (known?.size === object.size && known.checksum === object.checksum) return;
    const entry = { key: object.key, size: object.size, checksum: object.checksum };
    if (this.store.append === undefined) {
      this.learnt.set(object.key, entry);
      return;
    }
    if (this.appendFailure !== undefined) return;
    try {
      this.store.append(entry);
    } catch (cause) {
      // Not the object's failure: the copy goes on, and the run fails at save() with this cause.
      this.appendFailure = cause;
    }
  }

  /** Saves what this run learnt, once; nothing when there is no store or nothing new. */
  async save(signal?: AbortSignal): Promise<void> {
    if (this.appendFailure !== undefined) {
      const cause = this.appendFailure;
      this.appendFailure = undefined;
      throw new ProgressStoreError("journaling a written object failed", { cause });
    }
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
