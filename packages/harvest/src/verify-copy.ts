/**
 * Checks a stored copy against its completion record, long after it was written (`vod-harvest verify`): every
 * file of the record present with its size (verifyStored, as before the record was written), then each file's
 * checksum. A version 2 record's CRC32C is compared with the one S3 keeps for the object (HeadObject, nothing
 * downloaded) where the store states it; otherwise — a directory, an object stored without a CRC32C, `deep`, or a
 * version 1 record (sha256) — the file is read back and its checksum computed again. Nothing is fetched from the
 * origin.
 */
import { createHash } from "node:crypto";
import { checksumStream, type ObjectSink } from "@vod-harvest/s3-sink/base";
import { MissingRecordError } from "./errors.js";
import { runPool } from "./pool.js";
import { type CompletionRecord, readRecord } from "./record.js";
import { type VerifyProblem, verifyStored } from "./verify.js";

export interface CopyVerification {
  readonly status: "INTACT" | "DAMAGED";
  /** Files in the record. */
  readonly objects: number;
  readonly bytes: number;
  /** The record's checksum: CRC32C (version 2), SHA256 (version 1). */
  readonly algorithm: "CRC32C" | "SHA256";
  /** Checksums compared with the value the store keeps (nothing read). */
  readonly stated: number;
  /** Files read back and their checksum computed again. */
  readonly readBack: number;
  readonly problems: readonly VerifyProblem[];
}

export interface VerifyCopyOptions {
  /** Read every file back, even where the store states its checksum. */
  readonly deep?: boolean;
  /** Files checked at once. Default 16. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** After each file is checked, for progress. */
  readonly onFile?: (file: { readonly key: string; readonly size: number }) => void;
}

type RecordFile = CompletionRecord["files"][number];

/** The file's checksum as the record states it, and how to compute it (and count the bytes) from a stream. */
function expectedOf(file: RecordFile): {
  value: string;
  compute: (stream: AsyncIterable<Uint8Array>) => Promise<{ value: string; size: number }>;
} {
  if ("checksum" in file) {
    return {
      value: file.checksum,
      compute: async (stream) => {
        const { checksum, size } = await checksumStream(stream);
        return { value: checksum, size };
      },
    };
  }
  return {
    value: file.sha256,
    compute: async (stream) => {
      const hash = createHash("sha256");
      let size = 0;
      for await (const chunk of stream) {
        hash.update(chunk);
        size += chunk.length;
      }
      return { value: hash.digest("hex"), size };
    },
  };
}

export async function verifyCopy(
  sink: ObjectSink,
  options: VerifyCopyOptions = {},
): Promise<CopyVerification> {
  const { signal } = options;
  const record = await readRecord(sink, signal);
  if (record === undefined) throw new MissingRecordError(sink.location);
  const algorithm = record.version === 2 ? "CRC32C" : "SHA256";
  const problems = await verifyStored(
    sink,
    new Map(record.files.map((file) => [file.key, file.size])),
    signal,
  );
  const listedBad = new Set(problems.map((problem) => problem.key));
  let stated = 0;
  let readBack = 0;
  const files: readonly RecordFile[] = record.files;
  for (const file of files) if (listedBad.has(file.key)) options.onFile?.(file);
  const toCheck = files.filter((file) => !listedBad.has(file.key));

  const check = async (file: RecordFile): Promise<VerifyProblem | undefined> => {
    const expected = expectedOf(file);
    if (!options.deep && record.version === 2) {
      const info = await sink.head(file.key, signal);
      if (info === undefined) return { key: file.key, problem: "missing", detail: "not found" };
      if (info.checksum !== undefined) {
        stated++;
        return info.checksum === expected.value
          ? undefined
          : {
              key: file.key,
              problem: "altered",
              detail: `the store keeps CRC32C ${info.checksum}, the record says ${expected.value}`,
            };
      }
    }
    readBack++;
    const { value: actual, size } = await expected.compute(await sink.read(file.key, signal));
    if (size !== file.size) {
      return {
        key: file.key,
        problem: "resized",
        detail: `read ${size} bytes, the record says ${file.size}`,
      };
    }
    return actual === expected.value
      ? undefined
      : {
          key: file.key,
          problem: "altered",
          detail: `${algorithm} ${actual}, the record says ${expected.value}`,
        };
  };

  await runPool(toCheck.values(), options.concurrency ?? 16, async (file) => {
    try {
      const problem = await check(file);
      if (problem !== undefined) problems.push(problem);
    } catch (error) {
      if (signal?.aborted) throw error;
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
    algorithm,
    stated,
    readBack,
    problems,
  };
}
