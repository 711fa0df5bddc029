/**
 * The shapes the record, the journal and the run options share: one file of types, so that none of them imports
 * another to name these.
 */
import type { Checksum } from "@vod-harvest/s3-sink/base";

/** An object of a copy: its size and the CRC32C (base64, as S3 shows it) computed while it was stored. */
export interface RecordedObject {
  readonly key: string;
  readonly size: number;
  readonly checksum: Checksum;
}

/** What a journal knows of one stored object. */
export type JournaledObject = Pick<RecordedObject, "size" | "checksum">;

/**
 * Where one job keeps its checksum journal between runs (next to a Lambda's stored plan; a local state file for
 * the CLI). An object present in the destination with a journaled entry of the same size was written by this job
 * and is kept: neither fetched nor read back. Any other object present is fetched again, because a file of the
 * right size may hold other bytes. So a resumed job costs only what is new, and never vouches for what it did not
 * write.
 */
export interface ProgressStore {
  /** Every entry saved so far for this job, by key. */
  load(signal?: AbortSignal): Promise<ReadonlyMap<string, JournaledObject>>;
  /**
   * Journals one entry as soon as it is learnt (a journal that survives a killed process); a store that has it
   * gets nothing through `save`. It may throw: the run then fails when it ends, with a ProgressStoreError.
   */
  append?(entry: RecordedObject): void;
  /** Adds the entries one run learnt; what earlier runs saved is kept. */
  save(entries: readonly RecordedObject[], signal?: AbortSignal): Promise<void>;
}
