import { type ObjectSink, readObjectText } from "@vod-harvest/s3-sink/base";
import { InvalidRecordError } from "./errors.js";
import { COMPLETION_RECORD_KEY, type HarvestPlan } from "./types.js";

export interface RecordedObject {
  readonly key: string;
  readonly size: number;
  readonly sha256: string;
}

/** A well-formed entry of a journal or record as read from storage (anyone could have edited it). */
export function isRecordedObject(value: unknown): value is RecordedObject {
  const entry = value as Partial<RecordedObject> | null;
  return (
    typeof entry === "object" &&
    entry !== null &&
    typeof entry.key === "string" &&
    Number.isSafeInteger(entry.size) &&
    (entry.size as number) >= 0 &&
    typeof entry.sha256 === "string" &&
    /^[0-9a-f]{64}$/.test(entry.sha256)
  );
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
  return parseRecord(await readObjectText(sink, COMPLETION_RECORD_KEY, signal));
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
