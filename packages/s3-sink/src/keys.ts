import { InvalidKeyError } from "./errors.js";

/** S3's limit on a whole key (the sink's prefix included), in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
/** The usual file-system limit on one name (ext4, XFS, APFS, NTFS), in UTF-8 bytes. */
export const MAX_SEGMENT_BYTES = 255;

/**
 * The key rule shared by every sink: `/`-separated, relative, each segment non-empty and neither `.` nor `..`,
 * no backslash (a separator on Windows, and never produced by the key rule), no NUL (truncates C paths), at most
 * 1,024 bytes (S3) with segments of at most 255 bytes (file systems): a key one destination could not hold is
 * refused by all, so a plan means the same wherever it is copied. Returns the segments.
 */
export function keySegments(key: string): string[] {
  if (typeof key !== "string" || key.length === 0) throw new InvalidKeyError(String(key), "empty");
  if (key.includes("\0")) throw new InvalidKeyError(key, "contains NUL");
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most keys are short enough not to need counting.
  if (key.length * 3 > MAX_KEY_BYTES && Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new InvalidKeyError(key, `longer than ${MAX_KEY_BYTES} bytes (S3's limit)`);
  }
  if (key.includes("\\")) throw new InvalidKeyError(key, "contains a backslash");
  if (key.startsWith("/")) throw new InvalidKeyError(key, "absolute");
  const segments = key.split("/");
  for (const segment of segments) {
    if (segment === "") throw new InvalidKeyError(key, "empty path segment");
    if (segment === "." || segment === "..") throw new InvalidKeyError(key, `"${segment}" segment`);
    if (segment.length * 3 > MAX_SEGMENT_BYTES && Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      throw new InvalidKeyError(key, `a name longer than ${MAX_SEGMENT_BYTES} bytes (file systems' limit)`);
    }
  }
  return segments;
}

export function validateKey(key: string): string {
  keySegments(key);
  return key;
}

export function isValidKey(key: string): boolean {
  try {
    keySegments(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * A list prefix: empty (everything) or a key-like string, optionally ending with `/`. It matches keys as a string
 * prefix, as S3 does, in every sink.
 */
export function validateListPrefix(prefix: string): string {
  if (prefix === "") return prefix;
  keySegments(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
  return prefix;
}

/** The directory part of a valid key whose last segment is `name` ("" at the root): the key as written, no split. */
export function keyDirectory(key: string, name: string): string {
  return key.slice(0, Math.max(0, key.length - name.length - 1));
}
