import type { Readable } from "node:stream";
import type { Checksum } from "./checksum.js";

/** An object already present in a sink; `key` is relative to the sink's root. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  /**
   * The object's full-object CRC32C as the store keeps it, when `head` can say it without reading the object (S3
   * when the object was stored with one; never a directory).
   */
  readonly checksum?: Checksum;
}

/** Bytes of an object from `offset`, `length` of them: the repo's one byte-range convention. */
export interface ObjectRange {
  readonly offset: number;
  readonly length: number;
}

export interface PutOptions {
  /** Replace an existing object. Without it the write is a conditional create and fails with ALREADY_EXISTS. */
  readonly overwrite?: boolean;
  /** Defaults to a type derived from the key's extension (see contentTypeFor). */
  readonly contentType?: string;
  /** When known, the sink refuses to commit a body of another size (nothing is left under the key). */
  readonly expectedSize?: number;
  readonly signal?: AbortSignal;
}

export interface PutResult {
  readonly key: string;
  readonly size: number;
  /** CRC32C of the bytes stored, computed once while they passed; an S3 store verified it on arrival. */
  readonly checksum: Checksum;
}

/**
 * Memory a sink stores from without copying it first: a small body received straight into it and put as a Buffer
 * moves to the sink's writer as it is (the directory sink's file writer thread).
 */
export interface BodyMemory {
  /** Largest body worth receiving this way; larger ones are streamed. */
  readonly maxBytes: number;
  /** `size` bytes (≤ maxBytes) to fill and put; their contents are undefined until filled. */
  allocate(size: number): Buffer;
}

/**
 * Where harvested objects go. Keys are `/`-separated, relative to the sink's root, never empty, never with
 * `.`/`..` segments. A put is atomic: either the whole body is stored under the key or nothing is.
 */
export interface ObjectSink {
  /** Human-readable destination, e.g. `s3://bucket/prefix/` or `/abs/dir/`. Never holds credentials. */
  readonly location: string;
  head(key: string, signal?: AbortSignal): Promise<ObjectInfo | undefined>;
  /** Every object under `prefix` (relative to the root; default all), in no guaranteed order. */
  list(prefix?: string, signal?: AbortSignal): AsyncIterable<ObjectInfo>;
  put(key: string, body: Readable | Uint8Array | string, options?: PutOptions): Promise<PutResult>;
  /**
   * Streams an object back (a record, a journal, a copy checked or previewed), or `range` of it (clamped by the
   * caller to the object's size); a typed SinkError when absent.
   */
  read(key: string, signal?: AbortSignal, range?: ObjectRange): Promise<Readable>;
  delete(key: string, signal?: AbortSignal): Promise<void>;
  /**
   * Makes every put that has returned so far durable (it survives a power cut, not only a killed process). A sink
   * whose puts are durable when they return (S3) need not have it.
   */
  flush?(signal?: AbortSignal): Promise<void>;
  /**
   * Fails fast, before anything is fetched or written, when this destination cannot be used as configured (a
   * directory that cannot hold files; S3 without a region or credentials), naming what to fix.
   */
  check?(): Promise<void>;
  /**
   * The size of each key's object as stored now (undefined where there is none), read where that beats listing
   * (the directory sink: a file system call per key, no directory walk). Absent: list instead.
   */
  sizes?(keys: readonly string[], signal?: AbortSignal): Promise<(number | undefined)[]>;
  /** Memory for small bodies that a put takes without a copy (see BodyMemory); absent when every body is streamed. */
  readonly bodyMemory?: BodyMemory;
}
