import { close, constants, fsync, open, writev } from "node:fs";
import { statfs } from "node:fs/promises";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import { type FillableBody, fillBuffer, isFillable } from "./body.js";
import { type Checksum, ChecksumHasher, checksumOf, encodeChecksum } from "./checksum.js";
import { mapFsError } from "./directory-paths.js";
import { BodyStreamError, SinkError, SizeMismatchError } from "./errors.js";
import { fileWriterThread } from "./file-writer-thread.js";

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

/**
 * Objects up to this size are gathered in memory, then stored by the file writer thread (file-writer-thread.ts)
 * when the destination is a local file system. Measured against nginx + curl (4,005 × 64 KiB, docs/benchmarks.md):
 * creating files from libuv's four thread-pool threads at once, in the same directories, costs several times the
 * system CPU of the same calls made one at a time (the threads contend for each directory's lock), and each call's
 * round trip costs main-thread CPU too; made synchronously on the main thread, every wait of the file system for
 * its journal stalls all transfers. Memory: at most this much per put in flight.
 */
export const SMALL_OBJECT_BYTES = 1024 * 1024;

/** Linux statfs magic numbers of local file systems, where a synchronous call is short (see SMALL_OBJECT_BYTES). */
const LOCAL_FILE_SYSTEMS: ReadonlySet<number> = new Set([
  0xef53, // ext2/3/4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x01021994, // tmpfs
  0x794c7630, // overlayfs
  0x2fc12fc1, // zfs
  0xf2f52010, // f2fs
]);

/** Whether `dir`'s file system is local (network file systems keep the asynchronous path: their calls can stall). */
export async function isLocalFileSystem(dir: string): Promise<boolean> {
  try {
    return LOCAL_FILE_SYSTEMS.has((await statfs(dir)).type);
  } catch {
    return false;
  }
}

/**
 * Stores a small body of a known size (`expectedSize`) under `finalPath` through a new temp file: the body is read
 * first into one buffer (counted, size-checked), then the writer thread checksums, writes and links it in one
 * synchronous run, so the file appears under its final name complete or not at all, and a kill leaves at most the
 * temp file. Without
 * `overwrite`, an existing final file is left alone ("exists"). The temp file is gone afterwards whatever happened,
 * unless creating it failed with EEXIST (another writer's name).
 */
export async function storeSmallFile(
  tempPath: string,
  finalPath: string,
  body: Readable | Buffer,
  spec: NewFileSpec & { readonly expectedSize: number; readonly overwrite: boolean },
): Promise<WrittenFile | "exists"> {
  const writer = fileWriterThread();
  let data: Buffer;
  if (Buffer.isBuffer(body)) {
    data = body; // copied into the message: the caller keeps its buffer
  } else if (isFillable(body)) {
    data = writer.allocate(spec.expectedSize);
    await fill(body, data, spec);
  } else {
    // consume lets no more than the expected size through, and fails a body that ends short.
    const gathered = writer.allocate(spec.expectedSize);
    let filled = 0;
    await consume(body, spec, (chunk) => {
      chunk.copy(gathered, filled);
      filled += chunk.length;
    });
    data = gathered;
  }
  const size = data.length; // lent memory is detached here once it moves to the thread
  // The thread checksums the bytes it writes.
  const { outcome, crc32c } = await writer.store({ tempPath, finalPath, data, overwrite: spec.overwrite });
  return outcome === "exists" ? "exists" : { size, checksum: encodeChecksum(crc32c) };
}

/** Reads a fillable body straight into `target` (its expected size), with consume's checks and errors. */
async function fill(body: Readable & FillableBody, target: Buffer, spec: NewFileSpec): Promise<void> {
  const { signal } = spec;
  const onAbort = () => body.destroy(signal?.reason instanceof Error ? signal.reason : undefined);
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) onAbort();
  const { bytes, error } = await body[fillBuffer](target).finally(() =>
    signal?.removeEventListener("abort", onAbort),
  );
  if (error !== undefined) throw bodyFailure(error, spec, Math.min(bytes, target.length));
  if (bytes !== target.length) throw new SizeMismatchError(spec.key, target.length, bytes);
}

async function writeStreamed(fd: number, source: Readable, spec: NewFileSpec): Promise<WrittenFile> {
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const hasher = new ChecksumHasher();
  const size = await consume(source, spec, async (chunk) => {
    hasher.update(chunk);
    batch.push(chunk);
    batchBytes += chunk.length;
    if (batchBytes >= WRITE_BATCH_BYTES) {
      await writeAll(fd, batch, spec.target);
      batch = [];
      batchBytes = 0;
    }
  });
  await writeAll(fd, batch, spec.target);
  return { size, checksum: hasher.digest() };
}

/**
 * The one pass over a body: counts, checks against the expected size (too many: at once; too few: at the end),
 * and hands each chunk on; the caller checksums what it keeps (for small files the file writer thread does). An
 * asynchronous `onChunk` pauses the body until it is done. Resolves with the byte count. Errors:
 * SizeMismatchError, BodyStreamError, or the caller's own; on any of them the body is destroyed. Events rather
 * than `for await`: the iterator's promise per chunk cost a tenth of the main thread on small objects.
 */
function consume(
  source: Readable,
  spec: NewFileSpec,
  onChunk: (chunk: Buffer) => void | Promise<void>,
): Promise<number> {
  const { key, expectedSize, signal } = spec;
  return new Promise<number>((resolve, reject) => {
    let bytes = 0;
    let settled = false;
    /** The asynchronous onChunk running, if any: 'end' can come while it does and must wait for it. */
    let inFlight: Promise<void> | undefined;
    const settle = (error: unknown) => {
      if (settled) return;
      settled = true;
      source.off("data", onData);
      source.off("end", onEnd);
      source.off("error", onError);
      source.off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
      if (error === undefined) {
        resolve(bytes);
        return;
      }
      if (!source.destroyed) source.destroy();
      reject(bodyFailure(error, spec, bytes));
    };
    function onData(data: Buffer | string) {
      const chunk = typeof data === "string" ? Buffer.from(data) : data;
      bytes += chunk.length;
      if (expectedSize !== undefined && bytes > expectedSize) {
        settle(new SizeMismatchError(key, expectedSize, bytes));
        return;
      }
      let pending: void | Promise<void>;
      try {
        pending = onChunk(chunk);
      } catch (error) {
        settle(error);
        return;
      }
      if (pending === undefined) return;
      source.pause();
      inFlight = pending.then(
        () => {
          inFlight = undefined;
          if (!settled) source.resume();
        },
        (error: unknown) => {
          inFlight = undefined;
          settle(error);
        },
      );
    }
    function onEnd() {
      const short = expectedSize !== undefined && bytes !== expectedSize;
      const end = () => settle(short ? new SizeMismatchError(key, expectedSize, bytes) : undefined);
      if (inFlight === undefined) end();
      else void inFlight.then(end);
    }
    function onError(error: unknown) {
      settle(error);
    }
    function onClose() {
      // Closed without 'end' or 'error': destroyed from outside (an abort without a reason).
      if (!source.readableEnded) settle(new Error("the body closed before its end"));
    }
    // Destroying the source ends the pass; the caller sees its signal aborted and reports the abort.
    function onAbort() {
      source.destroy(signal?.reason instanceof Error ? signal.reason : undefined);
    }
    // Failed or destroyed before this pass began (the sink prepares its write first): its events are gone.
    if (source.errored !== null || source.destroyed) {
      settle(source.errored ?? new Error("the body was destroyed before it was read"));
      return;
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    source.on("data", onData);
    source.once("end", onEnd);
    source.once("error", onError);
    source.once("close", onClose);
    if (signal?.aborted) onAbort();
  });
}

/** What a failed read of a body becomes: ours (size, fs) and the abort as they are, anything else the body's fault. */
function bodyFailure(error: unknown, spec: NewFileSpec, bytesRead: number): unknown {
  return error instanceof SinkError || spec.signal?.aborted
    ? error
    : new BodyStreamError(spec.target, bytesRead, { cause: error });
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
