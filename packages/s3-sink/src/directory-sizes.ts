import { lstatSync } from "node:fs";
import { childPath, isTempName, resolveDirectory } from "./directory-paths.js";
import { LIST_BATCH, lstatSizes } from "./directory-walk.js";
import { InvalidKeyError } from "./errors.js";
import { fileWriterThread } from "./file-writer-thread.js";
import { keyDirectory, keySegments } from "./keys.js";

/** A key's path segments, or none when the key is not valid (nothing of this sink can be stored under it). */
function segmentsOf(key: string): string[] {
  try {
    return keySegments(key);
  } catch {
    return [];
  }
}

/**
 * Where each key's file is below the real root `base` ("" where none can be: an invalid key, a temp file's name, a
 * missing directory, a link on the way out of the root). Each key's directory is walked again, links checked as
 * they are now (not from the puts' cache of directories), once per directory.
 */
export async function keyPaths(base: string, keys: readonly string[]): Promise<string[]> {
  const dirs = new Map<string, string | undefined>();
  const paths: string[] = [];
  for (const key of keys) {
    const segments = segmentsOf(key);
    const name = segments.at(-1);
    if (name === undefined || isTempName(name)) {
      paths.push("");
      continue;
    }
    const dirKey = keyDirectory(key, name);
    if (!dirs.has(dirKey)) {
      const dir = await resolveDirectory(base, segments.slice(0, -1), key, false).catch((error: unknown) => {
        if (error instanceof InvalidKeyError) return undefined; // a link leading out of the root
        throw error;
      });
      dirs.set(dirKey, dir);
    }
    const dir = dirs.get(dirKey);
    paths.push(dir === undefined ? "" : childPath(dir, name));
  }
  return paths;
}

/** A regular file's size now, else -1 (missing, a symbolic link, a directory, unreadable). */
function sizeNow(path: string): number {
  try {
    const stats = lstatSync(path, { throwIfNoEntry: false });
    return stats?.isFile() ? stats.size : -1;
  } catch {
    return -1;
  }
}

/**
 * The size of each path that is a regular file, else -1. On a local file system the file writer thread reads the
 * first half while this thread reads the second with synchronous calls (a few microseconds each: the event loop
 * waits for half the batch at most), so the batch takes half the time one thread would; elsewhere one lstat each
 * through the thread pool.
 */
export async function sizesNow(paths: readonly string[], local: boolean): Promise<number[]> {
  if (!local || paths.length <= LIST_BATCH) return [...(await lstatSizes(paths))];
  const half = Math.ceil(paths.length / 2);
  const fromThread = fileWriterThread().sizes(paths.slice(0, half));
  const here = paths.slice(half).map(sizeNow);
  return [...(await fromThread), ...here];
}
