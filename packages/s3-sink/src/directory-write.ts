import { close, constants, fsync, open, writev } from "node:fs";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import { type Checksum, ChecksumHasher, checksumOf } from "./checksum.js";
import { mapFsError } from "./directory-paths.js";
import { BodyStreamError, SinkError, SizeMismatchError } from "./errors.js";

// The callback API on a bare fd: a FileHandle per put costs an object, a finalizer and more main-thread work.
const openFd = promisify(open);
const writevFd = promisify(writev);
const fsyncFd = promisify(fsync);
const closeFd = promisify(close);

/** O_EXCL: a temp file is always new; never write into something that is already there. */
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

/**
 * Bytes gathered before one writev. Socket chunks are 16–64 KiB: writing each costs a thread-pool round trip, so a
 * 100 kB segment goes down in one call and a large object in 1 MiB calls. Memory: at most this much per put.
 */
const WRITE_BATCH_BYTES = 1024 * 1024;

export interface NewFileSpec {
  readonly key: string;
  /** For error messages: the object's place in the sink. */
  readonly target: string;
  readonly expectedSize: number | undefined;
  /** fsync the file before returning (durable against a power cut, not only a process kill). */
  readonly sync: boolean;
  readonly signal: AbortSignal | undefined;
}

export interface WrittenFile {
  readonly size: number;
  readonly checksum: Checksum;
}

/**
 * Writes `body` into a new file at `path`, counting bytes against the expected size (too many: fails at once; too
 * few: fails at the end), and returns the size and the CRC32C of what was written. Errors: SizeMismatchError, SinkIoError (file system),
 * BodyStreamError (the stream failed), or whatever the abort left (the caller checks its signal).
 */
export async function writeNewFile(
  path: string,
  body: Readable | Buffer,
  spec: NewFileSpec,
): Promise<WrittenFile> {
  const fd = await openFd(path, NEW_FILE, 0o666);
  let written: WrittenFile;
  try {
    written = Buffer.isBuffer(body)
      ? await writeBuffered(fd, body, spec)
      : await writeStreamed(fd, body, spec);
    if (spec.sync) await fsyncFd(fd).catch((error: unknown) => failFs(error, `fsync ${spec.target}`));
  } finally {
    await closeFd(fd).catch((error: unknown) => failFs(error, `close ${spec.target}`));
  }
  return written;
}

function failFs(error: unknown, what: string): never {
  throw mapFsError(error, true, what);
}

async function writeBuffered(fd: number, body: Buffer, spec: NewFileSpec): Promise<WrittenFile> {
  if (spec.expectedSize !== undefined && body.length !== spec.expectedSize) {
    throw new SizeMismatchError(spec.key, spec.expectedSize, body.length);
  }
  await writeAll(fd, [body], spec.target);
  return { size: body.length, checksum: checksumOf(body) };
}

async function writeStreamed(fd: number, source: Readable, spec: NewFileSpec): Promise<WrittenFile> {
  const { key, expectedSize, target, signal } = spec;
  // Destroying the source ends the loop below; the caller sees its signal aborted and reports the abort.
  const onAbort = () => source.destroy(signal?.reason instanceof Error ? signal.reason : undefined);
  signal?.addEventListener("abort", onAbort, { once: true });
  let bytes = 0;
  const hasher = new ChecksumHasher();
  let batch: Buffer[] = [];
  let batchBytes = 0;
  try {
    if (signal?.aborted) onAbort();
    try {
      // One loop per object instead of a pipeline: it counts, batches and writes, and destroys the source when
      // it throws (for await … of a Readable does).
      for await (const data of source) {
        const chunk = typeof data === "string" ? Buffer.from(data) : (data as Buffer);
        bytes += chunk.length;
        if (expectedSize !== undefined && bytes > expectedSize) {
          throw new SizeMismatchError(key, expectedSize, bytes);
        }
        hasher.update(chunk);
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= WRITE_BATCH_BYTES) {
          await writeAll(fd, batch, target);
          batch = [];
          batchBytes = 0;
        }
      }
    } catch (error) {
      // Anything that is neither ours (size, fs) nor the abort came from the body stream.
      if (error instanceof SinkError || signal?.aborted) throw error;
      throw new BodyStreamError(target, bytes, { cause: error });
    }
    if (expectedSize !== undefined && bytes !== expectedSize) {
      throw new SizeMismatchError(key, expectedSize, bytes);
    }
    await writeAll(fd, batch, target);
    return { size: bytes, checksum: hasher.digest() };
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/** writev until every byte is down (a write may be partial). */
async function writeAll(fd: number, buffers: readonly Buffer[], target: string): Promise<void> {
  let pending = buffers.filter((buffer) => buffer.length > 0);
  while (pending.length > 0) {
    const { bytesWritten } = await writevFd(fd, pending).catch((error: unknown) =>
      failFs(error, `write ${target}`),
    );
    pending = afterWritten(pending, bytesWritten);
  }
}

/** What remains of `buffers` once their first `written` bytes are down. */
export function afterWritten(buffers: readonly Buffer[], written: number): Buffer[] {
  let skip = written;
  let index = 0;
  while (index < buffers.length && skip >= (buffers[index] as Buffer).length) {
    skip -= (buffers[index] as Buffer).length;
    index++;
  }
  const rest = buffers.slice(index);
  if (rest.length > 0 && skip > 0) rest[0] = (rest[0] as Buffer).subarray(skip);
  return rest;
}
