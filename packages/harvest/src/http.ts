import type { Readable } from "node:stream";
import {
  checkReference,
  DEFAULT_LIMITS,
  ManifestLimitError,
  type OriginPolicy,
  UnsafeReferenceError,
} from "@vod-harvest/manifest";
import type { BodyMemory } from "@vod-harvest/s3-sink/base";
import { contentEncodings, decodeBody } from "./decode.js";
import { safeLookup } from "./dns.js";
import {
  BadRedirectError,
  HarvestAbortedError,
  HarvestError,
  InvalidHarvestOptionsError,
  ManifestEncodingError,
  OriginHttpError,
  OriginNetworkError,
  TooManyRedirectsError,
  TruncatedBodyError,
} from "./errors.js";
import { createH1Transport, headerFieldsText } from "./h1/transport.js";
import type { OriginExchange, OriginTransport } from "./origin-exchange.js";
import { drain, lazyUndiciTransport } from "./origin-get.js";
import { RateLimiter } from "./rate.js";
import {
  abortError,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryHooks,
  type RetryPolicy,
  withRetries,
} from "./retry.js";

export interface OriginClientOptions {
  /** Sent with every request. Values are secrets: never logged or put in an error. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Connections per origin (size it to the copy's concurrency). Default 32. */
  readonly connections?: number;
  /** Most requests started per second, retries and redirects included; unlimited by default. */
  readonly ratePerSecond?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Largest manifest read, in bytes. Default: the manifest package's maxManifestBytes. */
  readonly maxManifestBytes?: number;
  readonly maxRedirects?: number;
  /** Time to the response headers, and the longest silence within a body. Default 30 s each. */
  readonly headersTimeoutMs?: number;
  readonly bodyTimeoutMs?: number;
  /** Called before each retry wait, with the failed URL; errors never carry header values. */
  readonly onRetry?: (url: string, attempt: number, error: unknown) => void;
  /**
   * Who speaks HTTP: the client's own HTTP/1.1 connections (`h1`, the default: half the CPU per request) or
   * undici's Agent (`undici`).
   */
  readonly transport?: "h1" | "undici";
}

/** A response with status 200, its body not yet read. The caller must consume or destroy `body`. */
export interface OriginResponse {
  /** The URL finally answered (after redirects). */
  readonly url: string;
  /** From Content-Length, when the origin sent one. */
  readonly contentLength: number | undefined;
  readonly contentType: string | undefined;
  /** The body to read, or the whole body already in memory the caller offered (see `open`). */
  readonly body: Readable | Buffer;
}

export interface OriginClient {
  readonly retryPolicy: RetryPolicy;
  /** A manifest's text, with retries; refused above the size limit or when not UTF-8. */
  getText(url: URL, policy: OriginPolicy, signal?: AbortSignal): Promise<string>;
  /**
   * One GET attempt (redirects followed): the caller retries, because the body is consumed elsewhere. With
   * `memory`, a small unencoded body may come back whole in it (OriginTransport.get), a cut one as
   * TruncatedBodyError.
   */
  open(url: URL, policy: OriginPolicy, signal?: AbortSignal, memory?: BodyMemory): Promise<OriginResponse>;
  /** Runs an operation with this client's retry policy (attempts, backoff, Retry-After). */
  retry<T>(operation: (attempt: number) => Promise<T>, hooks?: RetryHooks): Promise<T>;
  close(): Promise<void>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** How long an unused connection to an origin is kept. */
const KEEP_ALIVE_MS = 10_000;

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function contentLengthOf(value: string | string[] | undefined): number | undefined {
  const text = headerValue(value);
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** An UnsafeReferenceError raised by the DNS check arrives wrapped by the socket layer: find it. */
function unsafeCause(error: unknown): UnsafeReferenceError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof UnsafeReferenceError) return current;
    current = current.cause;
  }
  return undefined;
}

/** Maps a failure of the exchange to a typed error: abort, refused address, or a retryable network error. */
function networkError(url: string, error: unknown, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return abortError(signal);
  if (error instanceof HarvestAbortedError || error instanceof TruncatedBodyError) return error;
  return unsafeCause(error) ?? new OriginNetworkError(url, { cause: error });
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidHarvestOptionsError(`${name} must be > 0, got ${value}`);
  return value;
}

/** Drops a body we will not read. Destroying a body may emit an abort error: keep it from going uncaught. */
export function discard(body: Readable | Buffer): void {
  if (Buffer.isBuffer(body)) return;
  body.on("error", () => {});
  body.destroy();
}

/** Reads a manifest body to text, counting bytes against the limit and Content-Length as they arrive. */
async function readText(response: OriginResponse, maxBytes: number): Promise<string> {
  const { url, contentLength, body } = response;
  if (contentLength !== undefined && contentLength > maxBytes) {
    discard(body);
    throw new ManifestLimitError("MANIFEST_TOO_LARGE", `${url}: ${contentLength} bytes exceeds ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of Buffer.isBuffer(body) ? [body] : body) {
      received += (chunk as Buffer).length;
      if (received > maxBytes) {
        discard(body);
        throw new ManifestLimitError("MANIFEST_TOO_LARGE", `${url}: more than ${maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof ManifestLimitError || error instanceof HarvestError) throw error;
    if (contentLength !== undefined && received < contentLength) {
      throw new TruncatedBodyError(url, contentLength, received, { cause: error });
    }
    throw new OriginNetworkError(url, { cause: error });
  }
  if (contentLength !== undefined && received !== contentLength) {
    throw new TruncatedBodyError(url, contentLength, received);
  }
  try {
    // ignoreBOM keeps a byte order mark in the text, so the stored copy stays byte-identical.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(Buffer.concat(chunks));
  } catch (cause) {
    throw new ManifestEncodingError(url, response.contentType, { cause });
  }
}

/**
 * The origin client: keep-alive connections (a pool per origin sized to the concurrency; src/h1) whose DNS answers
 * are re-checked against the forbidden addresses, the caller's headers on every request, redirects followed by hand
 * and only to URLs the asset's origin policy accepts, status and Content-Length checked, retries with backoff.
 */
export function createOriginClient(options: OriginClientOptions = {}): OriginClient {
  const connections = positive("connections", options.connections, 32);
  const retryPolicy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  positive("attempts", retryPolicy.attempts, 1);
  const maxManifestBytes = positive(
    "maxManifestBytes",
    options.maxManifestBytes,
    DEFAULT_LIMITS.maxManifestBytes,
  );
  const maxRedirects = options.maxRedirects ?? 5;
  const limiter =
    options.ratePerSecond === undefined
      ? undefined
      : new RateLimiter(positive("ratePerSecond", options.ratePerSecond, 1));
  // Stored objects must be what a player decodes: ask for no encoding (a body still encoded is decoded below).
  const headers = { ...options.headers, "accept-encoding": "identity" };
  headerFieldsText(headers); // a name or value HTTP cannot carry is refused now, naming the header, not on each GET
  const headersTimeoutMs = positive("headersTimeoutMs", options.headersTimeoutMs, 30_000);
  const bodyTimeoutMs = positive("bodyTimeoutMs", options.bodyTimeoutMs, 30_000);
  const transport: OriginTransport =
    options.transport === "undici"
      ? lazyUndiciTransport({
          connections,
          keepAliveTimeout: KEEP_ALIVE_MS,
          headersTimeout: headersTimeoutMs,
          bodyTimeout: bodyTimeoutMs,
          connect: { lookup: safeLookup },
        })
      : createH1Transport({
          connections,
          headersTimeoutMs,
          bodyTimeoutMs,
          idleTimeoutMs: KEEP_ALIVE_MS,
          lookup: safeLookup,
        });

  async function get(
    url: URL,
    policy: OriginPolicy,
    signal?: AbortSignal,
    memory?: BodyMemory,
  ): Promise<OriginResponse> {
    let current = url;
    for (let hop = 0; ; hop++) {
      checkReference(current, policy);
      await limiter?.take(signal);
      let response: OriginExchange;
      try {
        response = await transport.get(current, headers, signal, memory);
      } catch (error) {
        throw networkError(current.href, error, signal);
      }
      const { statusCode, headers: responseHeaders, body } = response;
      if (Buffer.isBuffer(body)) {
        // Received whole into `memory`: a 200 without content coding, its length the Content-Length.
        const contentType = headerValue(responseHeaders["content-type"]);
        return { url: current.href, contentLength: body.length, contentType, body };
      }
      const location = headerValue(responseHeaders.location);
      if (REDIRECT_STATUSES.has(statusCode) && location !== undefined) {
        await drain(body); // the redirect's own body is of no use
        if (hop >= maxRedirects) throw new TooManyRedirectsError(url.href, maxRedirects);
        try {
          current = new URL(location, current); // checked at the top of the loop before anything is sent
        } catch (cause) {
          throw new BadRedirectError(current.href, statusCode, location, cause);
        }
        continue;
      }
      if (statusCode !== 200) {
        await drain(body);
        const retryAfter = parseRetryAfter(headerValue(responseHeaders["retry-after"]));
        throw new OriginHttpError(current.href, statusCode, "200", retryAfter);
      }
      const contentLength = contentLengthOf(responseHeaders["content-length"]);
      const codings = contentEncodings(headerValue(responseHeaders["content-encoding"]));
      const contentType = headerValue(responseHeaders["content-type"]);
      if (codings.length === 0) return { url: current.href, contentLength, contentType, body };
      // Content-Length counts the encoded bytes (checked while decoding): the decoded size is unknown.
      const decoded = decodeBody(current.href, body, codings, contentLength);
      return { url: current.href, contentLength: undefined, contentType, body: decoded };
    }
  }

  const retry = <T>(operation: (attempt: number) => Promise<T>, hooks?: RetryHooks) =>
    withRetries(operation, retryPolicy, hooks);
  const retryUrl = <T>(url: URL, operation: () => Promise<T>, signal?: AbortSignal) =>
    withRetries(operation, retryPolicy, {
      signal,
      onRetry: (attempt, error) => options.onRetry?.(url.href, attempt, error),
    });

  return {
    retryPolicy,
    open: get,
    getText: (url, policy, signal) =>
      retryUrl(url, async () => readText(await get(url, policy, signal), maxManifestBytes), signal),
    retry,
    close: () => transport.close(),
  };
}
