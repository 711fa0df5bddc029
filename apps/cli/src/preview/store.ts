// What the preview reads copies from: a directory or an S3 prefix, listed and read (with byte ranges, which
// players ask for) by key relative to the root. Read-only: the preview never writes or changes an ACL.
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import type { ByteRange } from "@vod-harvest/harvest/range";

export interface StoredFile {
  readonly body: Readable;
  /** The whole object's size. */
  readonly size: number;
}

export interface PreviewStore {
  /** Human-readable root (`/abs/dir/`, `s3://bucket/prefix/`). */
  readonly location: string;
  /** Every key under the root. */
  list(signal?: AbortSignal): AsyncIterable<string>;
  /** The object (or the range of it); undefined when it does not exist. */
  open(key: string, range?: ByteRange, signal?: AbortSignal): Promise<StoredFile | undefined>;
  /** The object's size; undefined when it does not exist. */
  size(key: string, signal?: AbortSignal): Promise<number | undefined>;
}

/** Keys are `/`-separated, relative, without `.`/`..` or empty segments: anything else is not ours to serve. */
export function isServableKey(key: string): boolean {
  if (key === "" || key.startsWith("/") || key.includes("\\") || key.includes("\0")) return false;
  return key.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

export function createDirectoryStore(root: string): PreviewStore {
  const pathOf = (key: string) => join(root, ...key.split("/"));
  async function fileSize(key: string): Promise<number | undefined> {
    if (!isServableKey(key)) return undefined;
    try {
      const info = await stat(pathOf(key));
      return info.isFile() ? info.size : undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw error;
    }
  }
  return {
    location: root.endsWith(sep) ? root : `${root}${sep}`,
    async *list() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      for (const entry of entries) {
        if (entry.isFile()) yield relative(root, join(entry.parentPath, entry.name)).split(sep).join("/");
      }
    },
    size: fileSize,
    async open(key, range) {
      const size = await fileSize(key);
      if (size === undefined) return undefined;
      const body = createReadStream(
        pathOf(key),
        range ? { start: range.offset, end: range.offset + range.length - 1 } : {},
      );
      return { body, size };
    },
  };
}
