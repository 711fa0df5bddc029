import { InvalidDestinationError, InvalidKeyError } from "./errors.js";
import { keySegments } from "./keys.js";

export interface S3Location {
  readonly bucket: string;
  /** Key prefix without leading or trailing `/`; "" for the bucket's root. */
  readonly prefix: string;
}

// Lenient on purpose (S3-compatible stores allow upper case and underscores) but never a `/`, space or colon.
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/;

/**
 * `s3://bucket[/prefix[/]]` → {bucket, prefix}. Parsed as text, not with `new URL`: S3 keys are taken literally
 * (no percent-decoding, as the AWS CLI does), and a WHATWG URL would fold case and accept user:password@.
 */
export function parseS3Url(url: string): S3Location {
  if (typeof url !== "string" || !/^s3:\/\//i.test(url)) {
    throw new InvalidDestinationError(`not an s3:// URL: ${JSON.stringify(url)}`);
  }
  const rest = url.slice("s3://".length);
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  // Not echoed: whatever stands before the `@` may be a secret.
  if (bucket.includes("@")) throw new InvalidDestinationError("an s3:// URL must not hold credentials");
  const prefix = slash < 0 ? "" : normalizeS3Prefix(rest.slice(slash + 1), url);
  validateBucketName(bucket, url);
  return { bucket, prefix };
}

export function validateBucketName(bucket: string, context = bucket): string {
  if (!BUCKET_NAME.test(bucket) || bucket.includes("..")) {
    throw new InvalidDestinationError(
      `invalid bucket name ${JSON.stringify(bucket)} in ${JSON.stringify(context)}`,
    );
  }
  return bucket;
}

/** A prefix with at most one trailing `/` removed, checked segment by segment like a key. */
export function normalizeS3Prefix(prefix: string, context = prefix): string {
  const trimmed = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  if (trimmed === "") return "";
  try {
    keySegments(trimmed);
  } catch (error) {
    const reason = error instanceof InvalidKeyError ? error.message : String(error);
    throw new InvalidDestinationError(`invalid prefix in ${JSON.stringify(context)}: ${reason}`, {
      cause: error,
    });
  }
  return trimmed;
}
