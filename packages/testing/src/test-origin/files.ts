import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { extname, isAbsolute, join, relative, sep } from "node:path";
import type { ByteRange } from "@vod-harvest/manifest";
import { TestOriginError } from "./errors.js";
import type { GeneratedFile, MemoryFile } from "./types.js";

const CHUNK = 64 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  m3u8: "application/vnd.apple.mpegurl",
  mpd: "application/dash+xml",
  ism: "application/vnd.ms-sstr+xml",
  ismc: "application/vnd.ms-sstr+xml",
  ts: "video/mp2t",
  mp4: "video/mp4",
  m4s: "video/iso.segment",
  m4v: "video/mp4",
  cmfv: "video/mp4",
  m4a: "audio/mp4",
  cmfa: "audio/mp4",
  aac: "audio/aac",
  ac3: "audio/ac3",
  ec3: "audio/eac3",
  mp3: "audio/mpeg",
  vtt: "text/vtt",
  webvtt: "text/vtt",
  ttml: "application/ttml+xml",
  dfxp: "application/ttml+xml",
  xml: "application/xml",
  json: "application/json",
  txt: "text/plain; charset=utf-8",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  key: "application/octet-stream",
};

/** A file found for a path: its metadata and a way to stream any range of it. */
export interface ResolvedFile {
  size: number;
  contentType: string;
  etag: string;
  lastModified: Date;
  open(range: ByteRange): AsyncIterable<Buffer>;
}

export type DecodedTarget = { path: string; query: string } | { rejected: string };

/**
 * Splits a request target into decoded path and raw query. Each segment is decoded on its own, so a segment that
 * decodes to a separator (`%2F`, `%5C`), NUL or a dot segment (`..`, `%2e%2e`) can be refused before any lookup.
 */
export function decodeTarget(target: string): DecodedTarget {
  const queryAt = target.indexOf("?");
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? "" : target.slice(queryAt + 1);
  if (!rawPath.startsWith("/")) return { rejected: "not an origin-form path" };
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { rejected: "malformed percent-encoding" };
    }
    if (segment === "." || segment === "..") return { rejected: "dot segment" };
    if (/[/\\\0]/.test(segment)) return { rejected: "encoded separator or NUL" };
    segments.push(segment);
  }
  return { path: `/${segments.join("/")}`, query };
}

function normalizeKey(path: string): string {
  return path.startsWith("/") ? path : `/${path}`;
}

function isGenerated(file: MemoryFile): file is GeneratedFile {
  return typeof file === "object" && !(file instanceof Uint8Array);
}

async function* once(bytes: Buffer): AsyncIterable<Buffer> {
  if (bytes.length > 0) yield bytes;
}

async function* generate(file: GeneratedFile, range: ByteRange): AsyncIterable<Buffer> {
  const end = range.offset + range.length;
  for (let offset = range.offset; offset < end; offset += CHUNK) {
    const length = Math.min(CHUNK, end - offset);
    const bytes = file.fill(offset, length);
    // A wrong length would silently break Content-Length; fail the response instead (the socket is destroyed).
    if (bytes.length !== length) {
      throw new TestOriginError(
        "INVALID_OPTIONS",
        `fill(${offset}, ${length}) returned ${bytes.length} bytes`,
      );
    }
    yield bytes;
  }
}

async function* readRange(path: string, range: ByteRange): AsyncIterable<Buffer> {
  if (range.length === 0) return;
  const end = range.offset + range.length - 1;
  yield* createReadStream(path, { start: range.offset, end, highWaterMark: CHUNK }) as AsyncIterable<Buffer>;
}

/** Looks paths up in the in-memory map first, then under the root directory, which no path can escape. */
export class FileStore {
  private readonly memory = new Map<string, ResolvedFile>();
  private readonly rootReal: string | undefined;
  private readonly types: Record<string, string>;
  private readonly startedAt = new Date(Math.floor(Date.now() / 1000) * 1000);

  constructor(rootReal: string | undefined, contentTypes: Record<string, string> = {}) {
    this.rootReal = rootReal;
    this.types = { ...CONTENT_TYPES, ...contentTypes };
  }

  contentTypeOf(path: string): string {
    const extension = extname(path).slice(1).toLowerCase();
    // MSS client manifests are served as a bare `Manifest` segment (…/stream.ism/Manifest).
    if (extension === "" && path.endsWith("/Manifest")) return this.types.ism ?? "text/xml";
    return this.types[extension] ?? "application/octet-stream";
  }

  set(path: string, file: MemoryFile): void {
    const key = normalizeKey(path);
    if (isGenerated(file)) {
      this.memory.set(key, {
        size: file.size,
        contentType: file.contentType ?? this.contentTypeOf(key),
        etag: file.etag ?? `"generated-${file.size.toString(16)}"`,
        lastModified: file.lastModified ?? this.startedAt,
        open: (range) => generate(file, range),
      });
      return;
    }
    const bytes =
      typeof file === "string" ? Buffer.from(file) : Buffer.from(file.buffer, file.byteOffset, file.length);
    this.memory.set(key, {
      size: bytes.length,
      contentType: this.contentTypeOf(key),
      etag: `"${createHash("sha1").update(bytes).digest("base64url")}"`,
      lastModified: this.startedAt,
      open: (range) => once(bytes.subarray(range.offset, range.offset + range.length)),
    });
  }

  delete(path: string): void {
    this.memory.delete(normalizeKey(path));
  }

  /** `path` comes from decodeTarget, so it has no dot segment; realpath also stops symlinks leading outside. */
  async resolve(path: string): Promise<ResolvedFile | undefined> {
    const inMemory = this.memory.get(path);
    if (inMemory || this.rootReal === undefined) return inMemory;
    let real: string;
    try {
      real = await realpath(join(this.rootReal, ...path.split("/")));
    } catch {
      return undefined;
    }
    const inside = relative(this.rootReal, real);
    if (inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return undefined;
    const stats = await stat(real).catch(() => undefined);
    if (!stats?.isFile()) return undefined;
    return {
      size: stats.size,
      contentType: this.contentTypeOf(path),
      etag: `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`,
      lastModified: stats.mtime,
      open: (range) => readRange(real, range),
    };
  }
}
