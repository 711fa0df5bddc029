import type { IncomingHttpHeaders } from "node:http";

/**
 * A file produced on demand: `fill(offset, length)` must return exactly `length` bytes and always the same bytes for
 * the same offset, so a copy can be verified by recomputing instead of keeping the original.
 */
export interface GeneratedFile {
  size: number;
  fill: (offset: number, length: number) => Buffer;
  /** Overrides the type derived from the extension. */
  contentType?: string;
  etag?: string;
  lastModified?: Date;
}

/** What an in-memory entry can be: fixed bytes, text (UTF-8) or a generated body. */
export type MemoryFile = Buffer | Uint8Array | string | GeneratedFile;

export type RedirectTarget = string | { location: string; status: 301 | 302 | 303 | 307 | 308 };

export interface TestOriginOptions {
  /** Directory served as `/`. Optional when `files` is given. */
  root?: string;
  /** In-memory files by decoded path (`/a/b.ts`; a missing leading slash is added). Checked before `root`. */
  files?: Record<string, MemoryFile> | Map<string, MemoryFile>;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Every request must carry these headers (name case-insensitive, value exact), else 404 as MediaPackage does. */
  requireHeaders?: Record<string, string>;
  /** Exact decoded path → redirect target (302 unless a status is given). */
  redirects?: Record<string, RedirectTarget>;
  /** Send ETag (default true). */
  etag?: boolean;
  /** Send Last-Modified (default true). */
  lastModified?: boolean;
  /** Extension (without dot, lower case) → Content-Type, over the built-in table. */
  contentTypes?: Record<string, string>;
  /** Seed of the PRNG behind probabilistic faults (default 1). */
  seed?: number;
}

/** What a fault predicate sees of a request. `path` is percent-decoded, without the query string. */
export interface RequestInfo {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
}

export type FaultMatch = string | RegExp | ((request: RequestInfo) => boolean);

/**
 * When a fault fires: `times` (fire on the first N matching requests, then healthy; default: forever) and/or
 * `probability` (each matching request fires with this chance, drawn from the seeded PRNG; default 1).
 */
export interface FaultFiring {
  times?: number;
  probability?: number;
}

export type Fault = FaultFiring &
  (
    | { kind: "status"; status: number; retryAfter?: number | string }
    /** `before-headers`: the connection is reset before any byte; `after-headers`: the headers, then a reset. */
    | { kind: "reset"; when?: "before-headers" | "after-headers" }
    /** Headers with the full Content-Length, then `afterBytes` of body, then the socket is destroyed. */
    | { kind: "truncate"; afterBytes: number }
    /** The headers are sent `ms` late; the response is otherwise normal. */
    | { kind: "delay"; ms: number }
    /** The body is throttled to `bytesPerSecond`. */
    | { kind: "slow"; bytesPerSecond: number }
    /** The headers, then nothing until the client gives up or the origin closes. */
    | { kind: "stall" }
    /**
     * The body is sent encoded with `Content-Encoding: <encoding>` whatever the request's Accept-Encoding, as a
     * misconfigured CDN does (gzip, x-gzip, deflate, br; any other name sends the bytes as they are under it).
     */
    | { kind: "encode"; encoding: string }
  );

export type FaultKind = Fault["kind"];

export interface FaultHandle {
  /** How many requests this fault has fired on. */
  readonly fired: number;
  remove(): void;
}

/** One request as the origin saw and answered it. Fields after `headers` are updated while the response goes out. */
export interface RequestRecord {
  /** Sequence number of the TCP connection, to observe keep-alive reuse. */
  connection: number;
  method: string;
  /** Decoded path without the query string, or the raw target when it could not be decoded. */
  path: string;
  query: string;
  /** The Range header as sent, if any. */
  range: string | undefined;
  headers: IncomingHttpHeaders;
  /** Status sent, or undefined when the connection was reset before any header. */
  status: number | undefined;
  /** Body bytes handed to the socket. */
  bytesSent: number;
  fault: FaultKind | undefined;
  /** True once the response ended normally; false while in flight or when it was cut (fault or client abort). */
  complete: boolean;
}

export interface TestOrigin {
  /** Base URL ending with `/`, e.g. `http://127.0.0.1:40123/`. */
  readonly url: string;
  readonly port: number;
  /** Every request since start or the last `resetLog()`, in arrival order. */
  readonly requests: readonly RequestRecord[];
  /** Requests per decoded path since start or the last `resetLog()`. */
  count(path: string): number;
  readonly counts: ReadonlyMap<string, number>;
  resetLog(): void;
  /** Absolute URL of a path, resolved against `url`. */
  urlOf(path: string): string;
  setFile(path: string, file: MemoryFile): void;
  deleteFile(path: string): void;
  addFault(match: FaultMatch, fault: Fault): FaultHandle;
  clearFaults(): void;
  /** Stops listening and destroys every open connection, including idle keep-alive and stalled ones. */
  close(): Promise<void>;
}
