import { createRequire } from "node:module";
import type { Checksum } from "./checksum-shape.js";

// The shape lives apart (no native code); re-exported for the modules that also compute checksums.
export { CHECKSUM_ALGORITHM, type Checksum, isChecksum } from "./checksum-shape.js";

type Crc32c = (data: Uint8Array, initial?: number) => number;
let native: Crc32c | undefined;

/**
 * The native CRC32C, loaded on first use: a directory copy's files are checksummed on the file writer thread, so a
 * run may never need it here, and loading it (a CommonJS loader probing for its platform's binary) cost every
 * start ~12 ms.
 */
function crc32c(data: Uint8Array, initial?: number): number {
  native ??= (createRequire(import.meta.url)("@node-rs/crc32") as { crc32c: Crc32c }).crc32c;
  return native(data, initial);
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** The CRC's four bytes, big-endian, in base64 (as S3 gives it). By hand: a Buffer per object showed in profiles. */
export function encodeChecksum(crc: number): Checksum {
  const value = crc >>> 0;
  const b0 = value >>> 24;
  const b1 = (value >>> 16) & 0xff;
  const b2 = (value >>> 8) & 0xff;
  const b3 = value & 0xff;
  return `${BASE64[b0 >> 2]}${BASE64[((b0 & 3) << 4) | (b1 >> 4)]}${BASE64[((b1 & 15) << 2) | (b2 >> 6)]}${BASE64[b2 & 63]}${BASE64[b3 >> 2]}${BASE64[(b3 & 3) << 4]}==`;
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
