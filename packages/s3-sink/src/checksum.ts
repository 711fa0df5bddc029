import { crc32c } from "@node-rs/crc32";

/**
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

export function encodeChecksum(crc: number): Checksum {
  const bytes = Buffer.allocUnsafe(4);
  bytes.writeUInt32BE(crc >>> 0);
  return bytes.toString("base64");
}

/** Incremental CRC32C (native): feed chunks in order, read the value at the end. */
export class ChecksumHasher {
  #crc = 0;

  update(chunk: Uint8Array): void {
    this.#crc = crc32c(chunk, this.#crc);
  }

  digest(): Checksum {
    return encodeChecksum(this.#crc);
  }
}

export function checksumOf(data: Uint8Array | string): Checksum {
  return encodeChecksum(crc32c(typeof data === "string" ? Buffer.from(data, "utf8") : data));
}

/** Checksums a stream to its end without keeping it: bounded memory whatever its size. */
export async function checksumStream(
  stream: AsyncIterable<Uint8Array>,
): Promise<{ checksum: Checksum; size: number }> {
  const hasher = new ChecksumHasher();
  let size = 0;
  for await (const chunk of stream) {
    hasher.update(chunk);
    size += chunk.length;
  }
  return { checksum: hasher.digest(), size };
}
