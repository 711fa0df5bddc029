/**
 * What a sink failure means to a run. The sink package's errors are matched by their stable `name` (see
 * packages/s3-sink/src/errors.ts), so this holds whichever copy of the class threw them.
 * - fatal: no put can succeed (credentials, missing bucket/root, bad destination): abort everything.
 * - exists: a conditional create met an object that appeared since the listing.
 * - transient: worth retrying the transfer.
 * - other: this object only (e.g. a key the store refuses).
 */
export type SinkFailure = "fatal" | "exists" | "transient" | "other";

const FATAL = new Set(["SinkAccessDeniedError", "SinkNotFoundError", "InvalidDestinationError"]);
// A body altered on its way to the store (ChecksumMismatchError) is fetched and sent again, like a short one.
const TRANSIENT = new Set(["SinkIoError", "SizeMismatchError", "BodyStreamError", "ChecksumMismatchError"]);

export function classifySinkError(error: unknown): SinkFailure {
  const name = error instanceof Error ? error.name : "";
  if (FATAL.has(name)) return "fatal";
  if (name === "ObjectExistsError") return "exists";
  return TRANSIENT.has(name) ? "transient" : "other";
}
