import {
  CHECKSUM_ALGORITHM,
  type ChecksumAlgorithm,
  isChecksum,
  type ObjectSink,
  readObjectText,
} from "@vod-harvest/s3-sink/base";
import { InvalidRecordError } from "./errors.js";
import type { RecordedObject } from "./stored-object.js";
import { COMPLETION_RECORD_KEY, type HarvestPlan } from "./types.js";

export type { RecordedObject } from "./stored-object.js";

/** An object as a version 1 record lists it: a hex sha256 instead of the CRC32C. */
interface LegacyRecordedObject {
  readonly key: string;
  readonly size: number;
  readonly sha256: string;
}

function hasKeyAndSize(entry: { key?: unknown; size?: unknown } | null): boolean {
  return (
    typeof entry === "object" &&
    entry !== null &&
    typeof entry.key === "string" &&
    Number.isSafeInteger(entry.size) &&
    (entry.size as number) >= 0
  );
}

/** A well-formed entry of a journal or record as read from storage (anyone could have edited it). */
export function isRecordedObject(value: unknown): value is RecordedObject {
  const entry = value as Partial<RecordedObject> | null;
  return hasKeyAndSize(entry) && isChecksum(entry?.checksum);
}

function isLegacyRecordedObject(value: unknown): value is LegacyRecordedObject {
  const entry = value as Partial<LegacyRecordedObject> | null;
  return hasKeyAndSize(entry) && typeof entry?.sha256 === "string" && /^[0-9a-f]{64}$/.test(entry.sha256);
}

interface RecordFields {
  readonly format: "vod-harvest-completion";
  /** Key of the entry manifest. */
  readonly entry: string;
  /** The entry URL without its query string (which may hold a token). */
  readonly source: string;
  readonly completedAt: string;
  readonly objects: number;
  readonly bytes: number;
}

/**
 * The completion record: its presence at the root means "this copy is complete". Version 2 lists every object
 * with S3's full-object CRC32C; version 1 (copies made before 2026-12) with a sha256, still read as complete.
 */
export type CompletionRecord =
  | (RecordFields & {
      readonly version: 2;
      readonly checksumAlgorithm: ChecksumAlgorithm;
      /** Every object of the asset, the record excluded, sorted by key. */
      readonly files: readonly RecordedObject[];
    })
  | (RecordFields & { readonly version: 1; readonly files: readonly LegacyRecordedObject[] });

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
    version: 2,
    checksumAlgorithm: CHECKSUM_ALGORITHM,
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
  const record = value as Partial<
    RecordFields & { version: unknown; checksumAlgorithm: unknown; files: unknown }
  >;
  if (
    record?.format !== "vod-harvest-completion" ||
    typeof record.entry !== "string" ||
    typeof record.objects !== "number" ||
    typeof record.bytes !== "number" ||
    !Array.isArray(record.files)
  ) {
    throw new InvalidRecordError(`${COMPLETION_RECORD_KEY} is not a vod-harvest completion record`);
  }
  const files: unknown[] = record.files;
  if (record.version === 2) {
    if (record.checksumAlgorithm !== CHECKSUM_ALGORITHM) {
      throw new InvalidRecordError(
        `${COMPLETION_RECORD_KEY}: checksumAlgorithm ${JSON.stringify(record.checksumAlgorithm)} is not ${CHECKSUM_ALGORITHM}`,
      );
    }
    const bad = files.findIndex((file) => !isRecordedObject(file));
    if (bad >= 0)
      throw new InvalidRecordError(`${COMPLETION_RECORD_KEY}: files[${bad}] is not {key, size, checksum}`);
  } else if (record.version === 1) {
    const bad = files.findIndex((file) => !isLegacyRecordedObject(file));
    if (bad >= 0)
      throw new InvalidRecordError(`${COMPLETION_RECORD_KEY}: files[${bad}] is not {key, size, sha256}`);
  } else {
    throw new InvalidRecordError(
      `${COMPLETION_RECORD_KEY}: version ${JSON.stringify(record.version)} is not 1 or 2`,
    );
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
