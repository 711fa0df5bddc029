import { close, constants, fsync, open } from "node:fs";
import { promisify } from "node:util";
import { errnoOf, mapFsError, syncDirectory, throwIfAborted } from "./directory-paths.js";

const openFd = promisify(open);
const fsyncFd = promisify(fsync);
const closeFd = promisify(close);

/** fsyncs in flight during a flush: enough to keep the device queue busy, few enough to leave the thread pool. */
const FLUSH_CONCURRENCY = 8;

/**
 * The files and directories a directory sink has committed since its last flush, and the flush that makes them
 * durable: each file fsynced, then each directory (so the new names survive a power cut too). Nothing is lost on
 * failure: what was not synced stays pending for the next flush.
 */
export class PendingSyncs {
  private files = new Set<string>();
  private dirs = new Set<string>();

  add(file: string, dir: string): void {
    this.files.add(file);
    this.dirs.add(dir);
  }

  async flush(what: string, signal?: AbortSignal): Promise<void> {
    const files = [...this.files];
    const dirs = [...this.dirs];
    this.files = new Set();
    this.dirs = new Set();
    let next = 0;
    const lane = async () => {
      for (let index = next++; index < files.length; index = next++) {
        throwIfAborted(signal, what);
        await syncFile(files[index] as string);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(FLUSH_CONCURRENCY, files.length) }, lane));
      await Promise.all(dirs.map((dir) => syncDirectory(dir)));
    } catch (error) {
      for (const file of files) this.files.add(file);
      for (const dir of dirs) this.dirs.add(dir);
      throw error;
    }
  }
}

async function syncFile(path: string): Promise<void> {
  let fd: number;
  try {
    fd = await openFd(path, constants.O_RDONLY);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return; // deleted since: nothing to keep
    throw mapFsError(error, true, `fsync ${path}`);
  }
  try {
    await fsyncFd(fd);
  } catch (error) {
    throw mapFsError(error, true, `fsync ${path}`);
  } finally {
    await closeFd(fd).catch(() => undefined);
  }
}
