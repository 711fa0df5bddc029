import { lstatSync } from "node:fs";
import { LIST_BATCH, lstatSizes } from "./directory-walk.js";
import { fileWriterThread } from "./file-writer-thread.js";

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
