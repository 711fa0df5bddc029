/**
 * Checks a stored copy against its completion record, long after it was written (`vod-harvest verify`): every
 * file of the record present with its size (verifyStored, as before the record was written), and, when the
 * checksums are asked for, each file read back and hashed again. Nothing is fetched from the origin.
 */
import type { ObjectSink } from "@vod-harvest/s3-sink";
import { hashStream } from "./digest.js";
import { MissingRecordError } from "./errors.js";
import { runPool } from "./pool.js";
import { type RecordedObject, readRecord } from "./record.js";
import { type VerifyProblem, verifyStored } from "./verify.js";

export interface CopyVerification {
  readonly status: "INTACT" | "DAMAGED";
  /** Files in the record. */
  readonly objects: number;
  readonly bytes: number;
  /** What was compared: sizes only, or sizes and the record's checksums (files read back). */
  readonly checked: "sizes" | "sizes+sha256";
  readonly problems: readonly VerifyProblem[];
}

export interface VerifyCopyOptions {
  /** Read every file back and compare its sha256 with the record's. */
  readonly checksums: boolean;
  /** Files read back at once. Default 8. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** After each file is checked (with its size), for progress. */
  readonly onFile?: (file: RecordedObject) => void;
}

export async function verifyCopy(sink: ObjectSink, options: VerifyCopyOptions): Promise<CopyVerification> {
  const record = await readRecord(sink, options.signal);
  if (record === undefined) throw new MissingRecordError(sink.location);
  const problems = await verifyStored(
    sink,
    new Map(record.files.map((file) => [file.key, file.size])),
    options.signal,
  );
  const listedBad = new Set(problems.map((problem) => problem.key));
  for (const file of record.files) if (listedBad.has(file.key) || !options.checksums) options.onFile?.(file);
  const toHash = options.checksums ? record.files.filter((file) => !listedBad.has(file.key)) : [];
  await runPool(toHash.values(), options.concurrency ?? 8, async (file) => {
    try {
      const { sha256, size } = await hashStream(await sink.read(file.key, options.signal));
      if (size !== file.size) {
        problems.push({
          key: file.key,
          problem: "resized",
          detail: `read ${size} bytes, the record says ${file.size}`,
        });
      } else if (sha256 !== file.sha256) {
        problems.push({
          key: file.key,
          problem: "altered",
          detail: `sha256 ${sha256}, the record says ${file.sha256}`,
        });
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      problems.push({
        key: file.key,
        problem: "unreadable",
        detail: error instanceof Error ? error.message : String(error),
      });
    }
    options.onFile?.(file);
  });
  problems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    status: problems.length === 0 ? "INTACT" : "DAMAGED",
    objects: record.objects,
    bytes: record.bytes,
    checked: options.checksums ? "sizes+sha256" : "sizes",
    problems,
  };
}
