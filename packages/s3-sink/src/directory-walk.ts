import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { errnoOf, throwIfAborted } from "./directory-paths.js";
import type { ObjectInfo } from "./types.js";

/** Files sized at once while listing, one lstat each through the thread pool. */
export const LIST_BATCH = 32;
/**
 * Files sized at once while listing a local file system (half by the file writer thread, half meanwhile by the
 * main thread: directory-sizes.ts).
 */
export const THREAD_LIST_BATCH = 2048;

/** The size of each path that is a regular file, else -1 (missing, a link, a directory, unreadable). */
export type SizeReader = (paths: readonly string[]) => Promise<readonly number[]>;

/** A regular file met while walking a sink's directory: its key, its path, its name. */
export interface FileEntry {
  readonly key: string;
  readonly path: string;
  readonly name: string;
}

/** Regular files and directories below `dir`, depth first, without following symbolic links. */
export async function* walkFiles(
  dir: string,
  keyPrefix: string,
  signal?: AbortSignal,
): AsyncIterable<FileEntry> {
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

/**
 * One lstat per path, the batch at once: one at a time, each waits a thread-pool round trip (6,000 files: 0.35 s →
 * 0.1 s).
 */
export const lstatSizes: SizeReader = (paths) =>
  Promise.all(
    paths.map(async (path) => {
      const stats = await lstat(path).catch(() => undefined);
      return stats?.isFile() ? stats.size : -1;
    }),
  );

/** The size of each entry that is still a regular file (undefined for one deleted or replaced meanwhile). */
export async function sizedFiles(
  entries: readonly FileEntry[],
  readSizes: SizeReader,
): Promise<(ObjectInfo | undefined)[]> {
  const sizes = await readSizes(entries.map((entry) => entry.path));
  return entries.map((entry, index) => {
    const size = sizes[index] ?? -1;
    return size >= 0 ? { key: entry.key, size } : undefined;
  });
}
