import type { ObjectSink } from "@vod-harvest/s3-sink";
import type { StoredObject } from "./copy.js";
import { hashStream } from "./digest.js";
import { describeError, InvalidRecordError } from "./errors.js";
import type { ChecksumJournal } from "./journal.js";
import { runPool } from "./pool.js";
import { COMPLETION_RECORD_KEY, type FailedResource, type HarvestPlan } from "./types.js";

export interface RecordedObject {
  readonly key: string;
  readonly size: number;
  readonly sha256: string;
}

/** The completion record: its presence at the root means "this copy is complete". */
export interface CompletionRecord {
  readonly format: "vod-harvest-completion";
  readonly version: 1;
  /** Key of the entry manifest. */
  readonly entry: string;
  /** The entry URL without its query string (which may hold a token). */
  readonly source: string;
  readonly completedAt: string;
  readonly objects: number;
  readonly bytes: number;
  /** Every object of the asset, the record excluded, sorted by key. */
  readonly files: readonly RecordedObject[];
}

export function sourceOf(entryUrl: string): string {
  const url = new URL(entryUrl);
  url.search = "";
  url.hash = "";
  url.username = "";
  url.password = "";
  return url.href;
}

export function buildRecord(
  plan: HarvestPlan,
  files: readonly RecordedObject[],
  now: Date,
): CompletionRecord {
  const sorted = [...files].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    format: "vod-harvest-completion",
    version: 1,
    entry: plan.entryKey,
    source: sourceOf(plan.entryUrl),
    completedAt: now.toISOString(),
    objects: sorted.length,
    bytes: sorted.reduce((sum, file) => sum + file.size, 0),
    files: sorted,
  };
}

export function parseRecord(text: string): CompletionRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidRecordError(`${COMPLETION_RECORD_KEY} is not JSON`, { cause });
  }
  const record = value as Partial<CompletionRecord> | null;
  if (
    record?.format !== "vod-harvest-completion" ||
    record.version !== 1 ||
    typeof record.entry !== "string" ||
    typeof record.objects !== "number" ||
    typeof record.bytes !== "number" ||
    !Array.isArray(record.files)
  ) {
    throw new InvalidRecordError(`${COMPLETION_RECORD_KEY} is not a vod-harvest completion record`);
  }
  return record as CompletionRecord;
}

/** The completion record, or undefined when there is none. */
export async function readRecord(
  sink: ObjectSink,
  signal?: AbortSignal,
): Promise<CompletionRecord | undefined> {
  const info = await sink.head(COMPLETION_RECORD_KEY, signal);
  if (info === undefined) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of await sink.read(COMPLETION_RECORD_KEY, signal)) chunks.push(chunk as Buffer);
  return parseRecord(Buffer.concat(chunks).toString("utf8"));
}

export async function writeRecord(
  sink: ObjectSink,
  record: CompletionRecord,
  signal?: AbortSignal,
): Promise<void> {
  await sink.put(COMPLETION_RECORD_KEY, `${JSON.stringify(record, null, 1)}\n`, {
    overwrite: true,
    contentType: "application/json",
    signal,
  });
}

export interface ChecksumContext {
  readonly sink: ObjectSink;
  readonly concurrency: number;
  /** Cuts the hashing (deadline or caller): the objects not hashed yet are returned as failures. */
  readonly signal?: AbortSignal;
  /** Learns every checksum computed here, so a later run of the job does not read the object back again. */
  readonly journal?: ChecksumJournal;
}

/** sha256 of an object found present, read back from the sink (not fetched from the origin again). */
async function checksumOf(context: ChecksumContext, object: StoredObject): Promise<string> {
  const { sha256, size } = await hashStream(await context.sink.read(object.key, context.signal));
  if (size !== object.size)
    throw new InvalidRecordError(`${object.key}: read ${size} bytes, listed ${object.size}`);
  return sha256;
}

/**
 * Fills in the checksums of objects found present; those that cannot be hashed are returned as failures. Once the
 * signal fires no further object is started.
 */
export async function completeChecksums(
  context: ChecksumContext,
  objects: Iterable<StoredObject>,
): Promise<{ files: RecordedObject[]; failed: FailedResource[] }> {
  const files: RecordedObject[] = [];
  const failed: FailedResource[] = [];
  const stopped = () => context.signal?.aborted ?? false;
  function* pending(): Generator<StoredObject> {
    for (const object of objects) {
      if (stopped() && object.sha256 === undefined) {
        failed.push({
          url: object.url,
          key: object.key,
          error: "HarvestAbortedError: not hashed before the stop",
        });
      } else yield object;
    }
  }
  await runPool(pending(), context.concurrency, async (object) => {
    try {
      if (object.sha256 !== undefined) {
        files.push({ key: object.key, size: object.size, sha256: object.sha256 });
        return;
      }
      const file = { key: object.key, size: object.size, sha256: await checksumOf(context, object) };
      files.push(file);
      context.journal?.learn(file);
    } catch (error) {
      failed.push({ url: object.url, key: object.key, error: describeError(error) });
    }
  });
  return { files, failed };
}
