import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, lstat, mkdir, open, realpath, stat, statfs } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import {
  InvalidDestinationError,
  InvalidKeyError,
  SinkAbortedError,
  SinkAccessDeniedError,
  type SinkError,
  SinkIoError,
  SinkNotFoundError,
} from "./errors.js";

/** `.<name>.<16 hex>.partial`: hidden, and recognisable so list skips it and cleanupPartials removes it. */
const TEMP_NAME = /^\..*\.[0-9a-f]{16}\.partial$/;

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/**
 * Temp names from a random 8-hex prefix drawn once and an 8-hex counter: unique within the namer without asking
 * the kernel for random bytes on every put. Another writer's collision fails open(O_EXCL) and is retried.
 */
export function createTempNamer(): (name: string) => string {
  const prefix = randomBytes(4).toString("hex");
  let counter = 0;
  return (name) => {
    counter = (counter + 1) % 0x1_0000_0000;
    // Cut long names so the temp name stays within NAME_MAX (255 bytes) whatever the final name.
    return `.${name.slice(0, 96)}.${prefix}${counter.toString(16).padStart(8, "0")}.partial`;
  };
}

/** `name` (one checked key segment) in the directory `dir` (an absolute, normalized path). */
export function childPath(dir: string, name: string): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function isInside(realRoot: string, realPath: string): boolean {
  return realPath === realRoot || realPath.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}

/**
 * The real path of the directory `dirSegments` below `realRoot`, walked one component at a time so that a
 * symbolic link pointing outside the root is refused before anything is created through it (mkdir -p would follow
 * it). Symbolic links that stay inside the root are followed. Returns undefined when a component is missing and
 * `create` is false. Not proof against someone swapping directories for links while we write: the root is ours.
 */
export async function resolveDirectory(
  realRoot: string,
  dirSegments: readonly string[],
  key: string,
  create: boolean,
): Promise<string | undefined> {
  let current = realRoot;
  for (const segment of dirSegments) {
    const next = join(current, segment);
    let stats = await lstat(next).catch((error: unknown) => {
      if (errnoOf(error) === "ENOENT") return undefined;
      throw error;
    });
    if (stats === undefined) {
      if (!create) return undefined;
      await mkdir(next).catch((error: unknown) => {
        if (errnoOf(error) !== "EEXIST") throw error; // created meanwhile by a concurrent put: fine
      });
      stats = await lstat(next);
    }
    if (stats.isSymbolicLink()) {
      const target = await realpath(next).catch(() => undefined);
      if (target === undefined || !isInside(realRoot, target)) {
        throw new InvalidKeyError(key, "a symbolic link on its path leads outside the sink's root");
      }
      if (!(await lstat(target)).isDirectory()) return notADirectory(key, create);
      current = target;
    } else if (stats.isDirectory()) {
      current = next;
    } else {
      return notADirectory(key, create);
    }
  }
  return current;
}

function notADirectory(key: string, create: boolean): undefined {
  if (!create) return undefined;
  throw new SinkIoError("WRITE_FAILED", `${key}: a file stands where a directory of the key is needed`);
}

/** Maps a file-system failure to a typed SinkError. */
export function mapFsError(error: unknown, write: boolean, what: string): SinkError {
  const errno = errnoOf(error);
  if (errno === "EACCES" || errno === "EPERM" || errno === "EROFS") {
    return new SinkAccessDeniedError(`${what}: permission denied (${errno})`, { cause: error });
  }
  const detail = errno ?? (error instanceof Error ? error.message : String(error));
  return new SinkIoError(write ? "WRITE_FAILED" : "READ_FAILED", `${what} failed (${detail})`, {
    cause: error,
  });
}

/**
 * `mkdir -p` that always ends: Node's recursive mkdir loops forever where a parent exists but refuses children with
 * ENOENT (`/proc/nope` spins at 100% CPU). Each level is tried once; the first real error is thrown.
 */
async function makeDirectories(path: string): Promise<void> {
  try {
    await mkdir(path);
    return;
  } catch (error) {
    if (errnoOf(error) === "EEXIST") return;
    const parent = dirname(path);
    if (errnoOf(error) !== "ENOENT" || parent === path) throw error;
  }
  await makeDirectories(dirname(path));
  await mkdir(path).catch((error: unknown) => {
    if (errnoOf(error) !== "EEXIST") throw error;
  });
}

/** Kernel pseudo file systems (statfs type): nothing written there is a file. */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x64626720, "debugfs"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0x1cd1, "devpts"],
  [0x73636673, "securityfs"],
]);

/**
 * Checks a destination directory before anything is fetched or created: its nearest existing ancestor must be a
 * writable directory on a real file system. Throws InvalidDestinationError naming the path and the reason.
 */
export async function checkDestination(root: string): Promise<void> {
  let existing = root;
  for (;;) {
    const stats = await lstat(existing).catch((error: unknown) => {
      if (errnoOf(error) === "ENOENT") return undefined;
      const why = errnoOf(error) === "ENOTDIR" ? "a file stands on its path" : `cannot inspect ${existing}`;
      throw new InvalidDestinationError(`${root}: ${why} (${errnoOf(error) ?? error})`, { cause: error });
    });
    if (stats !== undefined) break;
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const real = await realpath(existing).catch(() => existing);
  const stats = await stat(real).catch(() => undefined);
  if (stats !== undefined && !stats.isDirectory()) {
    throw new InvalidDestinationError(
      real === resolve(root)
        ? `${root} is not a directory`
        : `${root}: ${existing} is a file, not a directory`,
    );
  }
  const fileSystem = await statfs(real).catch(() => undefined);
  const pseudo = fileSystem === undefined ? undefined : PSEUDO_FILE_SYSTEMS.get(fileSystem.type);
  if (pseudo !== undefined) {
    throw new InvalidDestinationError(
      `${root}: ${real} is on the kernel's ${pseudo} file system, not a place for files`,
    );
  }
  try {
    await access(real, constants.W_OK);
  } catch (error) {
    const errno = errnoOf(error);
    const why = errno === "EROFS" ? "is on a read-only file system" : `is not writable (${errno})`;
    throw new InvalidDestinationError(`${root}: ${real} ${why}`, { cause: error });
  }
}

/** Creates the root if needed and returns its real path. */
export async function prepareRoot(root: string): Promise<string> {
  let real: string;
  try {
    await makeDirectories(root);
    real = await realpath(root);
  } catch (error) {
    if (errnoOf(error) === "ENOTDIR" || errnoOf(error) === "EEXIST") {
      throw new SinkNotFoundError(`${root} is not a directory`, { cause: error });
    }
    throw mapFsError(error, true, `prepare ${root}`);
  }
  if (!(await lstat(real)).isDirectory()) throw new SinkNotFoundError(`${root} is not a directory`);
  return real;
}

/** Per directory: the fsync in flight, and the one queued to start after it (shared by every later caller). */
interface DirectorySync {
  running: Promise<void>;
  queued: Promise<void> | undefined;
}

const directorySyncs = new Map<string, DirectorySync>();

function startDirectorySync(dir: string): Promise<void> {
  const state: DirectorySync = { running: Promise.resolve(), queued: undefined };
  state.running = fsyncDirectory(dir).finally(() => {
    if (state.queued === undefined && directorySyncs.get(dir) === state) directorySyncs.delete(dir);
  });
  directorySyncs.set(dir, state);
  return state.running;
}

/**
 * Makes a rename/link durable: the new directory entry survives a power cut. Concurrent puts into one directory
 * share fsyncs (group commit): a caller joins the next fsync to *start* after its call — never one already
 * running, which may have begun before its entry existed — so N puts cost about two fsyncs instead of N.
 */
export function syncDirectory(dir: string): Promise<void> {
  const state = directorySyncs.get(dir);
  if (state === undefined) return startDirectorySync(dir);
  // Started whatever the running one ended with: a failed fsync must not leave later callers stuck on it.
  state.queued ??= state.running.catch(() => undefined).then(() => startDirectorySync(dir));
  return state.queued;
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r").catch(() => undefined);
  if (handle === undefined) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory (EINVAL); the data file itself was synced.
  } finally {
    await handle.close();
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new SinkAbortedError(`${what}: aborted`, { cause: signal.reason });
}
