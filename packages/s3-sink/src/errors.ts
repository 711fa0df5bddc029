/**
 * Typed errors of packages/s3-sink. Every class extends SinkError; `name` is stable and distinct per kind so a
 * Step Functions Retry/Catch can match on it (retry SinkIoError and BodyStreamError, catch the rest), and `code`
 * says exactly what went wrong. Messages name the key and the destination, never credentials.
 */
export type SinkErrorCode =
  // ObjectExistsError: a conditional create found an object already there (or lost the race to create it).
  | "ALREADY_EXISTS"
  // SizeMismatchError: the body's size differs from expectedSize; nothing was committed.
  | "SIZE_MISMATCH"
  // ChecksumMismatchError: the store refused the body, its checksum differing from the one sent (S3's
  // BadDigest): bytes were altered on the way; nothing was committed.
  | "CHECKSUM_MISMATCH"
  // InvalidKeyError: empty, absolute, `.`/`..` segments, backslash, NUL, or escaping the root.
  | "INVALID_KEY"
  // InvalidDestinationError: a bad `s3://` URL, bucket name, prefix, root directory or sink option.
  | "INVALID_DESTINATION"
  // SinkConfigurationError: no region or no credentials for the store; nothing was tried.
  | "NOT_CONFIGURED"
  // SinkAccessDeniedError: the store refused our credentials or permissions.
  | "ACCESS_DENIED"
  // SinkNotFoundError: the bucket (or root directory) does not exist.
  | "NOT_FOUND"
  // SinkIoError: the store failed a write (put/delete) or a read (head/list); worth retrying.
  | "WRITE_FAILED"
  | "READ_FAILED"
  // BodyStreamError: the body stream given to put failed (e.g. the origin reset); nothing was committed.
  | "SOURCE_FAILED"
  // SinkAbortedError: the caller's AbortSignal fired; nothing was committed.
  | "ABORTED";

type ErrorOptions = { cause?: unknown };

export class SinkError extends Error {
  readonly code: SinkErrorCode;
  constructor(code: SinkErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SinkError";
    this.code = code;
  }
}

export class ObjectExistsError extends SinkError {
  readonly key: string;
  constructor(key: string, message: string, options?: ErrorOptions) {
    super("ALREADY_EXISTS", message, options);
    this.name = "ObjectExistsError";
    this.key = key;
  }
}

export class SizeMismatchError extends SinkError {
  readonly key: string;
  readonly expectedSize: number;
  /** Bytes seen before the mismatch was detected: the full size when short, expectedSize+something when long. */
  readonly actualSize: number;
  constructor(key: string, expectedSize: number, actualSize: number, options?: ErrorOptions) {
    const relation = actualSize > expectedSize ? `at least ${actualSize}` : `${actualSize}`;
    super(
      "SIZE_MISMATCH",
      `${key}: expected ${expectedSize} bytes, body has ${relation}; nothing stored`,
      options,
    );
    this.name = "SizeMismatchError";
    this.key = key;
    this.expectedSize = expectedSize;
    this.actualSize = actualSize;
  }
}

export class ChecksumMismatchError extends SinkError {
  readonly key: string;
  constructor(key: string, target: string, options?: ErrorOptions) {
    super(
      "CHECKSUM_MISMATCH",
      `put ${target}: the store refused the body, its CRC32C did not match the bytes that arrived (BadDigest): ` +
        "altered on the way; nothing stored",
      options,
    );
    this.name = "ChecksumMismatchError";
    this.key = key;
  }
}

export class InvalidKeyError extends SinkError {
  readonly key: string;
  constructor(key: string, reason: string, options?: ErrorOptions) {
    super("INVALID_KEY", `invalid key ${JSON.stringify(key)}: ${reason}`, options);
    this.name = "InvalidKeyError";
    this.key = key;
  }
}

export class InvalidDestinationError extends SinkError {
  constructor(message: string, options?: ErrorOptions) {
    super("INVALID_DESTINATION", message, options);
    this.name = "InvalidDestinationError";
  }
}

export class SinkConfigurationError extends SinkError {
  constructor(message: string, options?: ErrorOptions) {
    super("NOT_CONFIGURED", message, options);
    this.name = "SinkConfigurationError";
  }
}

export class SinkAccessDeniedError extends SinkError {
  constructor(message: string, options?: ErrorOptions) {
    super("ACCESS_DENIED", message, options);
    this.name = "SinkAccessDeniedError";
  }
}

export class SinkNotFoundError extends SinkError {
  constructor(message: string, options?: ErrorOptions) {
    super("NOT_FOUND", message, options);
    this.name = "SinkNotFoundError";
  }
}

export class SinkIoError extends SinkError {
  constructor(code: "WRITE_FAILED" | "READ_FAILED", message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "SinkIoError";
  }
}

export class BodyStreamError extends SinkError {
  readonly key: string;
  /** Bytes read from the body before it failed: a caller can tell a truncated source from one that never sent. */
  readonly bytesRead: number;
  constructor(key: string, bytesRead: number, options?: ErrorOptions) {
    super(
      "SOURCE_FAILED",
      `${key}: the body stream failed after ${bytesRead} bytes; nothing stored`,
      options,
    );
    this.name = "BodyStreamError";
    this.key = key;
    this.bytesRead = bytesRead;
  }
}

export class SinkAbortedError extends SinkError {
  constructor(message: string, options?: ErrorOptions) {
    super("ABORTED", message, options);
    this.name = "SinkAbortedError";
  }
}

export function isSinkError(error: unknown, code?: SinkErrorCode): error is SinkError {
  return error instanceof SinkError && (code === undefined || error.code === code);
}
