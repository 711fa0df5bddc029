/**
 * What a checksum looks like, without computing one: this module loads no native code, so a Lambda that only checks
 * stored state (a plan, a journal) does not ship the CRC32C binary.
 *
 * The one checksum of every stored object: S3's full-object CRC32C. Chosen by measurement (docs/checksums.md):
 * natively it costs a quarter of sha256's CPU, and S3 verifies it on arrival, single put and multipart alike.
 */
export const CHECKSUM_ALGORITHM = "CRC32C" as const;
export type ChecksumAlgorithm = typeof CHECKSUM_ALGORITHM;

/** A CRC32C as S3 shows it (`x-amz-checksum-crc32c`, HeadObject's ChecksumCRC32C): 4 big-endian bytes, base64. */
export type Checksum = string;

const CHECKSUM_PATTERN = /^[A-Za-z0-9+/]{6}==$/;

export function isChecksum(value: unknown): value is Checksum {
  return typeof value === "string" && CHECKSUM_PATTERN.test(value);
}
