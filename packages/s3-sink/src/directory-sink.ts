import { link, lstat, open, rename, unlink } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { bufferedBody, type PutBody } from "./body.js";
import { PendingSyncs } from "./directory-flush.js";
import {
  checkDestination,
  childPath,
  createTempNamer,
  errnoOf,
  isTempName,
  mapFsError,
  prepareRoot,
  resolveDirectory,
  syncDirectory,
  throwIfAborted,
} from "./directory-paths.js";
import { createDirectoryPlaces, type Place } from "./directory-places.js";
import { keyPaths, sizesNow } from "./directory-sizes.js";
import { type FileEntry, LIST_BATCH, sizedFiles, THREAD_LIST_BATCH, walkFiles } from "./directory-walk.js";
import { isLocalFileSystem, SMALL_OBJECT_BYTES, storeSmallFile, writeNewFile } from "./directory-write.js";
import {
  InvalidDestinationError,
  InvalidKeyError,
  ObjectExistsError,
  SinkAbortedError,
  SinkError,
  SizeMismatchError,
} from "./errors.js";
import { fileWriterThread } from "./file-writer-thread.js";
import { isValidKey, keySegments, validateListPrefix } from "./keys.js";
import type { BodyMemory, ObjectInfo, ObjectRange, ObjectSink, PutOptions, PutResult } from "./types.js";

export interface DirectorySink extends ObjectSink {
  /** The root's absolute path as given (resolved against the working directory). */
  readonly root: string;
  /**
   * Removes temp files left by killed runs (`.<name>.<random>.partial`) older than `olderThanMs` (default 0: all).
   * Do not run it while puts to this root are in flight with the default. Returns how many were removed.
   */
  cleanupPartials(options?: { olderThanMs?: number; signal?: AbortSignal }): Promise<number>;
  /**
   * Fails fast, before anything is fetched or created, when the root cannot hold files: a file in its place, a
   * read-only or unwritable parent, a kernel pseudo file system (/proc, /sys). InvalidDestinationError.
   */
  check(): Promise<void>;
  flush(signal?: AbortSignal): Promise<void>;
  /**
   * Starts the thread that stores small files (file-writer-thread.ts) now: its start-up (~0.1 s) then overlaps
   * planning instead of holding up the first writes. Optional; the first small put starts it anyway.
   */
  prepareWrites(): void;
}

/**
 * Whether and when the sink makes its writes durable against a power cut or a kernel crash (fsync of each file,
 * then of its directory). Every put is atomic against a killed process whatever this says: the kernel keeps what
 * was written, and the final name only ever appears on a complete file.
 * - `"none"` (default), like cp, rsync or `aws s3 cp` to a local disk: the kernel writes back on its own schedule.
 *   After a power cut a recent file may come back empty or short (a resumed run, which checks sizes, copies it
 *   again) — and so may files that a surviving completion record lists. The fsyncs cost as much as writing the
 *   data to the disk before returning, which a raw copy does not do: on the benchmark that was most of the
 *   engine's overhead (docs/benchmarks.md), so durability is the caller's choice, not the price of every copy.
 * - `"flush"`: at `flush()`, for every put since the previous one. The engine flushes before and after it writes
 *   the completion record, so a record that survives a power cut vouches for files that did too.
 * - `"put"`: before each put returns (every put durable on its own; flush does nothing).
 */
export type DirectorySyncMode = "none" | "flush" | "put";

export interface DirectorySinkOptions {
  readonly sync?: DirectorySyncMode;
}

/**
 * A sink writing under a local directory. A put streams into a temp file beside the final one and then renames
 * (overwrite) or hard-links (conditional create: link fails with EEXIST, atomically, where rename would silently
 * replace) it into place, so the final name only ever holds a complete file. Durability against a power cut:
 * see DirectorySyncMode.
 */
export function createDirectorySink(rootDir: string, options: DirectorySinkOptions = {}): DirectorySink {
  if (typeof rootDir !== "string" || rootDir === "")
    throw new InvalidDestinationError("directory sink: empty root");
  const syncMode = options.sync ?? "none";
  if (!["none", "flush", "put"].includes(syncMode)) {
    throw new InvalidDestinationError(`directory sink: sync must be none, flush or put, got ${syncMode}`);
  }
  const syncEachPut = syncMode === "put";
  const pending = new PendingSyncs();
  const nextTempName = createTempNamer();
  const root = resolve(rootDir);
  const location = root.endsWith(sep) ? root : root + sep;
  let realRoot: Promise<string> | undefined;
  /** The root's real path, created on the first write: reads of a root not there yet find nothing. */
  const ready = () => {
    realRoot ??= prepareRoot(root).catch((error: unknown) => {
      realRoot = undefined; // let a later call try again
      throw error;
    });
    return realRoot;
  };
  /** The root's real path for a read, or undefined when it does not exist yet (nothing is created). */
  const existingRoot = async (): Promise<string | undefined> => {
    if (realRoot !== undefined) return realRoot;
    const stats = await lstat(root).catch((error: unknown) => {
      if (errnoOf(error) === "ENOENT") return undefined;
      throw error;
    });
    return stats === undefined ? undefined : ready();
  };

  const { locate, forget } = createDirectoryPlaces(ready, existingRoot);

  async function head(key: string, signal?: AbortSignal): Promise<ObjectInfo | undefined> {
    throwIfAborted(signal, `head ${location}${key}`);
    let place: Place | undefined;
    try {
      place = await locate(key, false);
      if (place === undefined) return undefined;
      const stats = await lstat(join(place.dir, place.name));
      // Only regular files are objects; a link or directory under the key is not followed or reported.
      return stats.isFile() ? { key, size: stats.size } : undefined;
    } catch (error) {
      if (errnoOf(error) === "ENOTDIR") forget(place, error);
      if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") return undefined;
      throw toSinkError(error, false, `head ${location}${key}`);
    }
  }

  async function read(key: string, signal?: AbortSignal, range?: ObjectRange): Promise<Readable> {
    throwIfAborted(signal, `read ${location}${key}`);
    try {
      const place = await locate(key, false);
      // Open before returning, so a missing file is a typed error here rather than a stream 'error' later.
      const handle = await open(place ? join(place.dir, place.name) : join(root, key), "r");
      const bytes = range ? { start: range.offset, end: range.offset + range.length - 1 } : {};
      return handle.createReadStream({ signal, ...bytes });
    } catch (error) {
      throw toSinkError(error, false, `read ${location}${key}`);
    }
  }

  /**
   * Whether small puts and listings go to the file writer thread (directory-write.ts), asked once, of the first
   * put's or listing's directory; `local` holds the answer once it came.
   */
  let localFileSystem: Promise<boolean> | undefined;
  let local: boolean | undefined;
  const isLocal = (dir: string) => {
    localFileSystem ??= isLocalFileSystem(dir).then((answer) => {
      local = answer;
      return answer;
    });
    return localFileSystem;
  };

  async function* list(prefix = "", signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    validateListPrefix(prefix);
    const dirSegments = prefix.split("/").slice(0, -1);
    let start: string | undefined;
    try {
      const base = await existingRoot();
      start = base === undefined ? undefined : await resolveDirectory(base, dirSegments, prefix, false);
    } catch (error) {
      throw toSinkError(error, false, `list ${location}${prefix}`);
    }
    if (start === undefined) return;
    const startKey = dirSegments.length === 0 ? "" : `${dirSegments.join("/")}/`;
    try {
      // On a local file system large batches, sized as `sizes` sizes them (the writer thread and this one at once).
      const local = await isLocal(start);
      const batchSize = local ? THREAD_LIST_BATCH : LIST_BATCH;
      const sizesOf = (batch: readonly FileEntry[]) => sizedFiles(batch, (paths) => sizesNow(paths, local));
      let batch: FileEntry[] = [];
      for await (const entry of walkFiles(start, startKey, signal)) {
        if (isTempName(entry.name) || !entry.key.startsWith(prefix) || !isValidKey(entry.key)) continue;
        batch.push(entry);
        if (batch.length < batchSize) continue;
        for (const object of await sizesOf(batch)) if (object !== undefined) yield object;
        batch = [];
      }
      for (const object of await sizesOf(batch)) if (object !== undefined) yield object;
    } catch (error) {
      throw toSinkError(error, false, `list ${location}${prefix}`);
    }
  }

  async function put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
    const { overwrite = false, expectedSize, signal } = options;
    const segments = keySegments(key);
    if (expectedSize !== undefined && !(Number.isSafeInteger(expectedSize) && expectedSize >= 0)) {
      throw new InvalidDestinationError(
        `${key}: expectedSize must be a non-negative integer, got ${expectedSize}`,
      );
    }
    const target = `${location}${key}`;
    throwIfAborted(signal, target);
    const buffered = bufferedBody(body);
    if (buffered !== undefined && expectedSize !== undefined && buffered.length !== expectedSize) {
      throw new SizeMismatchError(key, expectedSize, buffered.length);
    }
    const source = buffered ?? (body as Readable);
    let tempPath: string | undefined;
    let place: Place | undefined;
    try {
      place = await locate(key, true, segments);
      if (place === undefined) throw new InvalidKeyError(key, "its directory cannot be created");
      // A real directory path and a checked name: joined without join's normalizing pass (a put's hot path).
      const finalPath = childPath(place.dir, place.name);
      tempPath = childPath(place.dir, nextTempName(place.name));
      const spec = { key, target, expectedSize, sync: syncEachPut, signal };
      const knownSize = buffered?.length ?? expectedSize;
      if (
        !syncEachPut &&
        knownSize !== undefined &&
        knownSize <= SMALL_OBJECT_BYTES &&
        (await isLocal(place.dir))
      ) {
        const storing = tempPath;
        tempPath = undefined; // storeSmallFile removes its temp file whatever happens
        const stored = await storeSmallFile(storing, finalPath, source, {
          ...spec,
          expectedSize: knownSize,
          overwrite,
        });
        if (stored === "exists") throw new ObjectExistsError(key, `${target} already exists`);
        if (syncMode === "flush") pending.add(finalPath, place.dir);
        return { key, size: stored.size, checksum: stored.checksum };
      }
      const { size, checksum } = await writeNewFile(tempPath, source, spec);
      if (overwrite) {
        await rename(tempPath, finalPath);
      } else {
        await link(tempPath, finalPath).catch((error: unknown) => {
          if (errnoOf(error) === "EEXIST") throw new ObjectExistsError(key, `${target} already exists`);
          throw error;
        });
        await unlink(tempPath);
      }
      tempPath = undefined;
      if (syncEachPut) await syncDirectory(place.dir);
      else if (syncMode === "flush") pending.add(finalPath, place.dir);
      return { key, size, checksum };
    } catch (error) {
      forget(place, error);
      if (!Buffer.isBuffer(source) && !source.destroyed) source.destroy();
      // EEXIST here can only be open(O_EXCL) of the temp name: that file is another writer's, not ours to remove.
      if (tempPath !== undefined && errnoOf(error) !== "EEXIST")
        await unlink(tempPath).catch(() => undefined);
      if (signal?.aborted) throw new SinkAbortedError(`${target}: aborted`, { cause: signal.reason });
      throw toSinkError(error, true, `put ${target}`);
    }
  }

  async function sizes(keys: readonly string[], signal?: AbortSignal): Promise<(number | undefined)[]> {
    const what = `sizes in ${location}`;
    throwIfAborted(signal, what);
    try {
      const base = await existingRoot();
      if (base === undefined) return keys.map(() => undefined);
      const paths = await keyPaths(base, keys);
      const found = await sizesNow(paths, await isLocal(base));
      return found.map((size, index) => (paths[index] !== "" && size >= 0 ? size : undefined));
    } catch (error) {
      throw toSinkError(error, false, what);
    }
  }

  async function remove(key: string, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal, `delete ${location}${key}`);
    try {
      const place = await locate(key, false);
      if (place === undefined) return;
      const path = join(place.dir, place.name);
      const stats = await lstat(path);
      if (stats.isDirectory()) return; // not an object: nothing to delete, as in S3
      await unlink(path);
    } catch (error) {
      if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") return;
      throw toSinkError(error, true, `delete ${location}${key}`);
    }
  }

  async function cleanupPartials(
    options: { olderThanMs?: number; signal?: AbortSignal } = {},
  ): Promise<number> {
    const { olderThanMs = 0, signal } = options;
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    try {
      const base = await existingRoot();
      if (base === undefined) return 0;
      for await (const entry of walkFiles(base, "", signal)) {
        if (!isTempName(entry.name)) continue;
        const stats = await lstat(entry.path).catch(() => undefined);
        if (stats === undefined || !stats.isFile() || stats.mtimeMs > cutoff) continue;
        await unlink(entry.path).catch((error: unknown) => {
          if (errnoOf(error) !== "ENOENT") throw error;
        });
        removed += 1;
      }
    } catch (error) {
      throw toSinkError(error, true, `cleanup ${location}`);
    }
    return removed;
  }

  async function flush(signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal, `flush ${location}`);
    await pending.flush(`flush ${location}`, signal);
  }

  const check = () => checkDestination(root);

  const prepareWrites = () => {
    fileWriterThread();
  };

  // Small bodies received into the writer thread's memory move to it when stored (no copy); until the first put
  // has told whether the file system is local, and off it, plain memory.
  const bodyMemory: BodyMemory | undefined = syncEachPut
    ? undefined
    : {
        maxBytes: SMALL_OBJECT_BYTES,
        allocate: (size) => (local === true ? fileWriterThread().allocate(size) : Buffer.allocUnsafe(size)),
      };

  return {
    location,
    root,
    head,
    list,
    put,
    read,
    sizes,
    delete: remove,
    cleanupPartials,
    flush,
    check,
    prepareWrites,
    ...(bodyMemory === undefined ? {} : { bodyMemory }),
  };
}

function toSinkError(error: unknown, write: boolean, what: string): SinkError {
  if (error instanceof SinkError) return error;
  return mapFsError(error, write, what);
}
