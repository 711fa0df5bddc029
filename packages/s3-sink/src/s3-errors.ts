import {
  ChecksumMismatchError,
  ObjectExistsError,
  SinkAccessDeniedError,
  SinkError,
  SinkIoError,
  SinkNotFoundError,
} from "./errors.js";

export type S3Operation = "put" | "head" | "list" | "delete" | "read";

const ACCESS_DENIED_NAMES = new Set([
  "AccessDenied",
  "AllAccessDisabled",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
]);

function httpStatusOf(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof metadata?.httpStatusCode === "number" ? metadata.httpStatusCode : undefined;
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : "";
}

/** True for HeadObject's "no such key" (HEAD has no body, so the SDK only knows NotFound / 404). */
export function isS3NotFound(error: unknown): boolean {
  const name = nameOf(error);
  return (
    name === "NotFound" || name === "NoSuchKey" || (httpStatusOf(error) === 404 && name !== "NoSuchBucket")
  );
}

/** Maps an SDK (or lib-storage) failure to a typed SinkError naming the operation and the object. */
export function mapS3Error(error: unknown, operation: S3Operation, target: string, key: string): SinkError {
  if (error instanceof SinkError) return error;
  const name = nameOf(error);
  const status = httpStatusOf(error);
  const what = `${operation} ${target}`;
  if (operation === "put" && (name === "PreconditionFailed" || status === 412)) {
    return new ObjectExistsError(key, `${what}: an object already exists (conditional create)`, {
      cause: error,
    });
  }
  // A concurrent conditional write to the same key won the race: for us, the object exists.
  if (operation === "put" && (name === "ConditionalRequestConflict" || status === 409)) {
    return new ObjectExistsError(key, `${what}: another write to this key is in progress or done`, {
      cause: error,
    });
  }
  // S3 checked the checksum sent with the bytes against the bytes that arrived.
  if (operation === "put" && (name === "BadDigest" || name === "InvalidChecksum")) {
    return new ChecksumMismatchError(key, target, { cause: error });
  }
  if (name === "NoSuchBucket") return new SinkNotFoundError(`${what}: no such bucket`, { cause: error });
  if (ACCESS_DENIED_NAMES.has(name) || status === 403) {
    return new SinkAccessDeniedError(`${what}: access denied (${name || status})`, { cause: error });
  }
  const code = operation === "put" || operation === "delete" ? "WRITE_FAILED" : "READ_FAILED";
  const detail = name || (status === undefined ? "error" : `HTTP ${status}`);
  const message = error instanceof Error && error.message ? `: ${error.message}` : "";
  return new SinkIoError(code, `${what} failed (${detail})${message}`, { cause: error });
}
