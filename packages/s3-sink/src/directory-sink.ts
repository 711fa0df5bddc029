import { link, lstat, open, readdir, rename, unlink } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ByteCounter, bufferedBody, type PutBody, readableOf } from "./body.js";
import {
  errnoOf,
  isTempName,
  mapFsError,
  prepareRoot,
  resolveDirectory,
  syncDirectory,
  tempNameFor,
  throwIfAborted,
} from "./directory-paths.js";
import {
  BodyStreamError,
  InvalidDestinationError,
  InvalidKeyError,
  ObjectExistsError,
  SinkAbortedError,
  SinkError,
  SizeMismatchError,
} from "./errors.js";
import { isValidKey, keySegments, validateKey, validateListPrefix } from "./keys.js";
import type { ObjectInfo, ObjectSink, PutOptions, PutResult } from "./types.js";

export interface DirectorySink extends ObjectSink {
  /** The root's absolute path as given (resolved against the working directory). */
  readonly root: string;
  /**
   * Removes temp files left by killed runs (`.<name>.<random>.partial`) older than `olderThanMs` (default 0: all).
   * Do not run it while puts to this root are in flight with the default. Returns how many were removed.
   */
  cleanupPartials(options?: { olderThanMs?: number; signal?: AbortSignal }): Promise<number>;
}

interface FileEntry {
  readonly key: string;
  readonly path: string;
  readonly name: string;
}

/**
 * A sink writing under a local directory. A put streams into a temp file beside the final one, fsyncs it and
 * then renames (overwrite) or hard-links (conditional create: link fails with EEXIST, atomically, where rename
 * would silently replace) it into place, so the final name only ever holds a complete file.
 */
export function createDirectorySink(rootDir: string): DirectorySink {
  if (typeof rootDir !== "string" || rootDir === "")
    throw new InvalidDestinationError("directory sink: empty root");
  const root = resolve(rootDir);
  const location = root.endsWith(sep) ? root : root + sep;
  let realRoot: Promise<string> | undefined;
  const ready = () => {
    realRoot ??= prepareRoot(root).catch((error: unknown) => {
      realRoot = undefined; // let a later call try again
      throw error;
    });
    return realRoot;
  };

  async function locate(key: string, create: boolean): Promise<{ dir: string; name: string } | undefined> {
    const segments = keySegments(key);
    const name = segments.at(-1) as string;
    if (isTempName(name)) throw new InvalidKeyError(key, "the name of a temp file of this sink");
    const dir = await resolveDirectory(await ready(), segments.slice(0, -1), key, create);
    return dir === undefined ? undefined : { dir, name };
  }

  async function head(key: string, signal?: AbortSignal): Promise<ObjectInfo | undefined> {
    throwIfAborted(signal, `head ${location}${key}`);
    try {
      const place = await locate(key, false);
      if (place === undefined) return undefined;
      const stats = await lstat(join(place.dir, place.name));
      // Only regular files are objects; a link or directory under the key is not followed or reported.
      return stats.isFile() ? { key, size: stats.size } : undefined;
    } catch (error) {
      if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") return undefined;
      throw toSinkError(error, false, `head ${location}${key}`);
    }
  }

  async function read(key: string, signal?: AbortSignal): Promise<Readable> {
    throwIfAborted(signal, `read ${location}${key}`);
    try {
      const place = await locate(key, false);
      // Open before returning, so a missing file is a typed error here rather than a stream 'error' later.
      const handle = await open(place ? join(place.dir, place.name) : join(await ready(), key), "r");
      return handle.createReadStream({ signal });
    } catch (error) {
      throw toSinkError(error, false, `read ${location}${key}`);
    }
  }

  async function* list(prefix = "", signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    validateListPrefix(prefix);
    const dirSegments = prefix.split("/").slice(0, -1);
    let start: string | undefined;
    try {
      start = await resolveDirectory(await ready(), dirSegments, prefix, false);
    } catch (error) {
      throw toSinkError(error, false, `list ${location}${prefix}`);
    }
    if (start === undefined) return;
    const startKey = dirSegments.length === 0 ? "" : `${dirSegments.join("/")}/`;
    try {
      for await (const entry of walkFiles(start, startKey, signal)) {
        if (isTempName(entry.name) || !entry.key.startsWith(prefix) || !isValidKey(entry.key)) continue;
        const stats = await lstat(entry.path).catch(() => undefined); // deleted meanwhile: skip
        if (stats?.isFile()) yield { key: entry.key, size: stats.size };
      }
    } catch (error) {
      throw toSinkError(error, false, `list ${location}${prefix}`);
    }
  }

  async function put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
    const { overwrite = false, expectedSize, signal } = options;
    validateKey(key);
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
    const source = buffered === undefined ? (body as Readable) : readableOf(buffered);
    let tempPath: string | undefined;
    try {
      const place = await locate(key, true);
      if (place === undefined) throw new InvalidKeyError(key, "its directory cannot be created");
      const finalPath = join(place.dir, place.name);
      tempPath = join(place.dir, tempNameFor(place.name));
      const counter = new ByteCounter(key, expectedSize);
      await writeFileFrom(source, counter, tempPath, target, signal);
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
      await syncDirectory(place.dir);
      return { key, size: counter.bytes };
    } catch (error) {
      if (!source.destroyed) source.destroy();
      if (tempPath !== undefined) await unlink(tempPath).catch(() => undefined);
      if (signal?.aborted) throw new SinkAbortedError(`${target}: aborted`, { cause: signal.reason });
      throw toSinkError(error, true, `put ${target}`);
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
      for await (const entry of walkFiles(await ready(), "", signal)) {
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

  return { location, root, head, list, put, read, delete: remove, cleanupPartials };
}

/** Streams `source` through `counter` into a new file at `path` (never an existing one) and fsyncs it. */
async function writeFileFrom(
  source: Readable,
  counter: ByteCounter,
  path: string,
  target: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const handle = await open(path, "wx");
  try {
    await pipeline(
      source,
      counter,
      async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) {
          let offset = 0;
          while (offset < chunk.length) {
            const { bytesWritten } = await handle
              .write(chunk, offset, chunk.length - offset)
              .catch((error: unknown) => Promise.reject(mapFsError(error, true, `write ${target}`)));
            offset += bytesWritten;
          }
        }
      },
      signal === undefined ? {} : { signal },
    );
    await handle.sync();
  } catch (error) {
    // Anything that is neither ours (size, fs) nor the abort came from the body stream.
    if (error instanceof SinkError || signal?.aborted) throw error;
    throw new BodyStreamError(target, { cause: error });
  } finally {
    await handle.close();
  }
}

/** Regular files and directories below `dir`, depth first, without following symbolic links. */
async function* walkFiles(dir: string, keyPrefix: string, signal?: AbortSignal): AsyncIterable<FileEntry> {
  const pending: Array<{ dir: string; keyPrefix: string }> = [{ dir, keyPrefix }];
  while (pending.length > 0) {
    throwIfAborted(signal, `list ${dir}`);
    const current = pending.pop() as { dir: string; keyPrefix: string };
    const entries = await readdir(current.dir, { withFileTypes: true }).catch((error: unknown) => {
      if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") return [];
      throw error;
    });
    for (const entry of entries) {
      const path = join(current.dir, entry.name);
      const key = current.keyPrefix + entry.name;
      if (entry.isDirectory()) pending.push({ dir: path, keyPrefix: `${key}/` });
      else if (entry.isFile()) yield { key, path, name: entry.name };
    }
  }
}

function toSinkError(error: unknown, write: boolean, what: string): SinkError {
  if (error instanceof SinkError) return error;
  return mapFsError(error, write, what);
}
