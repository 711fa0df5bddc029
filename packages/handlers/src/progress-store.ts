/**
 * The harvest Lambda's checksum journal (packages/harvest `ProgressStore`), kept next to the stored plan under
 * HARVEST_STATE_PREFIX: `<plan key without .json>.progress/<invocation>-<request id>.json`, one small object per
 * invocation that learnt something. Append-only: no invocation rewrites another's file, so a retried or
 * overlapping invocation cannot lose entries; loading lists the folder and merges the files (the stack expires
 * them with the plan). Needs s3:ListBucket on the bucket and s3:GetObject / s3:PutObject on the objects.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { JournaledObject, ProgressStore, RecordedObject } from "@vod-harvest/harvest";
import { createS3Sink, readObjectText } from "@vod-harvest/s3-sink";
import { HarvestStateInvalidError } from "./errors.js";
import { PROGRESS_FORMAT as FORMAT, progressFileSchema, readState } from "./state-schemas.js";

/** Journal files read at once while loading. */
const LOAD_CONCURRENCY = 8;

/** One invocation's journal file. */
interface ProgressFile {
  readonly format: typeof FORMAT;
  /** 2: entries carry the CRC32C. Version 1 files (sha256, before 2026-12) vouch for nothing: read as empty. */
  readonly version: 2;
  readonly entries: readonly RecordedObject[];
}

/** Where the journal files of the plan stored at `planKey` (`…/<run>.json`) go: `…/<run>.progress/`. */
export function progressPrefixOf(planKey: string): string {
  return `${planKey.replace(/\.json$/, "")}.progress/`;
}

/** Sorts in invocation order (later files win when merging), whatever the number of invocations. */
export function progressFileName(invocation: number, requestId: string): string {
  return `${String(invocation).padStart(6, "0")}-${requestId}.json`;
}

/** A journal file as stored, or a HarvestStateInvalid naming it: a wrong checksum must never reach a record. */
export function parseProgressFile(text: string, where: string): ProgressFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HarvestStateInvalidError(`${where} is not JSON`, { cause: error });
  }
  const read = readState(progressFileSchema, value, "journal");
  if ("problem" in read) {
    throw new HarvestStateInvalidError(`${where} is not a harvest progress journal (${read.problem})`);
  }
  return read.data as ProgressFile;
}

export interface S3ProgressStoreOptions {
  readonly bucket: string;
  readonly planKey: string;
  /** This invocation's number (1 for the first) and request id: its file's name. */
  readonly invocation: number;
  readonly requestId: string;
}

export function createS3ProgressStore(s3: S3Client, options: S3ProgressStoreOptions): ProgressStore {
  const prefix = progressPrefixOf(options.planKey);
  const sink = createS3Sink({ client: s3, bucket: options.bucket, prefix });
  const where = (name: string) => `s3://${options.bucket}/${prefix}${name}`;
  return {
    async load(signal) {
      const names: string[] = [];
      for await (const object of sink.list(undefined, signal)) names.push(object.key);
      names.sort();
      const files: ProgressFile[] = new Array(names.length);
      let next = 0;
      const lane = async () => {
        for (let index = next++; index < names.length; index = next++) {
          const name = names[index] as string;
          files[index] = parseProgressFile(await readObjectText(sink, name), where(name));
        }
      };
      await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, names.length) }, lane));
      const merged = new Map<string, JournaledObject>();
      for (const file of files)
        for (const { key, size, checksum } of file.entries) merged.set(key, { size, checksum });
      return merged;
    },
    async save(entries, signal) {
      const file: ProgressFile = {
        format: FORMAT,
        version: 2,
        entries: entries.map(({ key, size, checksum }) => ({ key, size, checksum })),
      };
      await sink.put(progressFileName(options.invocation, options.requestId), JSON.stringify(file), {
        overwrite: true,
        contentType: "application/json",
        ...(signal ? { signal } : {}),
      });
    },
  };
}
