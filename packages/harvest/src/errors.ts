/**
 * Typed errors of packages/harvest. `name` is stable (the state machine Retries/Catches on it); `retryable` says
 * whether trying the same request again may succeed. Messages name URLs and keys, never header values.
 */
export type HarvestErrorCode =
  | "ORIGIN_HTTP_STATUS"
  | "ORIGIN_NETWORK"
  | "TRUNCATED_BODY"
  | "TOO_MANY_REDIRECTS"
  | "NOT_UTF8"
  | "CONTENT_ENCODING"
  | "DESTINATION_IN_USE"
  | "SINK_UNAVAILABLE"
  | "UNSTORABLE_KEY"
  | "BAD_REDIRECT"
  | "ABORTED"
  | "INVALID_OPTIONS"
  | "RESERVED_KEY"
  | "SINK_WRITE"
  | "INVALID_RECORD"
  | "MISSING_RECORD"
  | "PROGRESS_STORE";

type ErrorOptions = { cause?: unknown };

export class HarvestError extends Error {
  readonly code: HarvestErrorCode;
  readonly retryable: boolean;
  constructor(code: HarvestErrorCode, message: string, retryable: boolean, options?: ErrorOptions) {
    super(message, options);
    this.name = "HarvestError";
    this.code = code;
    this.retryable = retryable;
  }
}

/** The origin answered with a status we did not ask for. 429 and 5xx are retryable; other 4xx are not. */
export class OriginHttpError extends HarvestError {
  readonly status: number;
  readonly url: string;
  /** From Retry-After on a 429/503, when given. */
  readonly retryAfterMs: number | undefined;
  constructor(url: string, status: number, expected: string, retryAfterMs?: number) {
    super(
      "ORIGIN_HTTP_STATUS",
      `${url}: HTTP ${status} (expected ${expected})`,
      status === 429 || status === 408 || status >= 500,
    );
    this.name = "OriginHttpError";
    this.status = status;
    this.url = url;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The connection failed, was reset or timed out. Retryable. */
export class OriginNetworkError extends HarvestError {
  readonly url: string;
  constructor(url: string, options?: ErrorOptions) {
    const detail = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super("ORIGIN_NETWORK", `${url}: network error${detail}`, true, options);
    this.name = "OriginNetworkError";
    this.url = url;
  }
}

/** The body ended before (or ran past) its Content-Length. Retryable. */
export class TruncatedBodyError extends HarvestError {
  readonly url: string;
  readonly expected: number;
  readonly received: number;
  constructor(url: string, expected: number, received: number, options?: ErrorOptions) {
    const relation = received > expected ? "more than" : "only";
    super(
      "TRUNCATED_BODY",
      `${url}: Content-Length ${expected}, received ${relation} ${received} bytes`,
      true,
      options,
    );
    this.name = "TruncatedBodyError";
    this.url = url;
    this.expected = expected;
    this.received = received;
  }
}

export class TooManyRedirectsError extends HarvestError {
  readonly url: string;
  constructor(url: string, max: number) {
    super("TOO_MANY_REDIRECTS", `${url}: more than ${max} redirects`, false);
    this.name = "TooManyRedirectsError";
    this.url = url;
  }
}

/** A redirect whose Location is no URL: the origin's fault, named with the URL that answered it. */
export class BadRedirectError extends HarvestError {
  readonly url: string;
  constructor(url: string, status: number, location: string, cause: unknown) {
    // JSON.stringify: a Location is the origin's text, control characters included; shown escaped.
    super(
      "BAD_REDIRECT",
      `${url}: HTTP ${status} redirect to an invalid Location ${JSON.stringify(location)}`,
      false,
      {
        cause,
      },
    );
    this.name = "BadRedirectError";
    this.url = url;
  }
}

export class ManifestEncodingError extends HarvestError {
  readonly url: string;
  constructor(url: string, contentType: string | undefined, options?: ErrorOptions) {
    // Binary where a manifest was expected is nearly always a segment or a page given as the entry.
    super(
      "NOT_UTF8",
      `${url}: not a manifest (Content-Type: ${contentType ?? "none"}; the body is not UTF-8 text)`,
      false,
      options,
    );
    this.name = "ManifestEncodingError";
    this.url = url;
  }
}

/** A body sent with a Content-Encoding that cannot be decoded (unknown coding, corrupt data, or a bomb). */
export class OriginEncodingError extends HarvestError {
  readonly url: string;
  readonly encoding: string;
  constructor(url: string, encoding: string, problem: string, retryable: boolean, options?: ErrorOptions) {
    super(
      "CONTENT_ENCODING",
      `${url}: body sent with Content-Encoding ${encoding} ${problem}`,
      retryable,
      options,
    );
    this.name = "OriginEncodingError";
    this.url = url;
    this.encoding = encoding;
  }
}

/** The destination holds the completed copy of another asset (its record names another source). */
export class DestinationInUseError extends HarvestError {
  readonly recordedSource: string;
  readonly source: string;
  constructor(location: string, recordedSource: string, source: string) {
    super(
      "DESTINATION_IN_USE",
      `${location} holds the complete copy of ${recordedSource}, not of ${source}: choose another destination, ` +
        "or pass --overwrite (Overwrite) to replace it",
      false,
    );
    this.name = "DestinationInUseError";
    this.recordedSource = recordedSource;
    this.source = source;
  }
}

/** The destination failed several writes in a row after their retries: the copy stops early, resumable. */
export class SinkUnavailableError extends HarvestError {
  readonly location: string;
  constructor(location: string, failures: number, cause: SinkWriteError) {
    super(
      "SINK_UNAVAILABLE",
      `${location} is not accepting writes: ${failures} objects in a row failed after their retries (last: ` +
        `${cause.message}); the copy stopped, run it again to resume`,
      true,
      { cause },
    );
    this.name = "SinkUnavailableError";
    this.location = location;
  }
}

/** A planned resource whose key no destination can hold (see the sink package's key rule): refused at plan time. */
export class UnstorableKeyError extends HarvestError {
  readonly url: string;
  constructor(url: string, cause: unknown) {
    super("UNSTORABLE_KEY", `${url}: ${cause instanceof Error ? cause.message : String(cause)}`, false, {
      cause,
    });
    this.name = "UnstorableKeyError";
    this.url = url;
  }
}

/** The caller's signal fired. */
export class HarvestAbortedError extends HarvestError {
  constructor(message = "harvest aborted", options?: ErrorOptions) {
    super("ABORTED", message, false, options);
    this.name = "HarvestAbortedError";
  }
}

export class InvalidHarvestOptionsError extends HarvestError {
  constructor(message: string) {
    super("INVALID_OPTIONS", message, false);
    this.name = "InvalidHarvestOptionsError";
  }
}

/** A resource would be stored under the completion record's key. */
export class ReservedKeyError extends HarvestError {
  readonly url: string;
  constructor(url: string, key: string) {
    super("RESERVED_KEY", `refusing ${url}: its key "${key}" is reserved for the completion record`, false);
    this.name = "ReservedKeyError";
    this.url = url;
  }
}

/** A completion record that cannot be read as one. */
export class InvalidRecordError extends HarvestError {
  constructor(message: string, options?: ErrorOptions) {
    super("INVALID_RECORD", message, false, options);
    this.name = "InvalidRecordError";
  }
}

/** No completion record where a copy was expected (`verify`): nothing complete to check. */
export class MissingRecordError extends HarvestError {
  constructor(readonly location: string) {
    super(
      "MISSING_RECORD",
      `no completion record in ${location}: not a complete vod-harvest copy (an INCOMPLETE copy has none; run the copy again to finish it)`,
      false,
    );
    this.name = "MissingRecordError";
  }
}

/** The progress store (checksum journal) could not be loaded or saved; its own error is the cause. */
export class ProgressStoreError extends HarvestError {
  constructor(message: string, options: { cause: unknown }) {
    const detail = options.cause instanceof Error ? `: ${options.cause.name}: ${options.cause.message}` : "";
    super("PROGRESS_STORE", `${message}${detail}`, false, options);
    this.name = "ProgressStoreError";
  }
}

/** A write to the destination failed in a way worth retrying (the sink's own error is the cause). */
export class SinkWriteError extends HarvestError {
  readonly key: string;
  constructor(key: string, options: { cause: unknown }) {
    const detail = options.cause instanceof Error ? `: ${options.cause.name}: ${options.cause.message}` : "";
    super("SINK_WRITE", `writing ${key} failed${detail}`, true, options);
    this.name = "SinkWriteError";
    this.key = key;
  }
}

/** Whether an error is worth another attempt of the same request. */
export function isRetryable(error: unknown): boolean {
  return error instanceof HarvestError && error.retryable;
}

/** `Name: message` for reports and events: never a stack, never header values (they are never in messages). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export type HttpConnectionErrorCode =
  | "BAD_RESPONSE"
  | "CONNECTION_CLOSED"
  | "HEADERS_TIMEOUT"
  | "BODY_TIMEOUT"
  | "UNEXPECTED_DATA";

/**
 * A fault of one exchange on the origin client's own HTTP/1.1 connections (src/h1): a malformed response, a
 * connection closed early, a timeout. Always reaches callers as the cause of an OriginNetworkError (retryable).
 */
export class HttpConnectionError extends Error {
  readonly code: HttpConnectionErrorCode;
  constructor(code: HttpConnectionErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "HttpConnectionError";
    this.code = code;
  }
}
