import { crc32c } from "@node-rs/crc32";
import type { Checksum } from "./checksum-shape.js";

// The shape lives apart (no native code); re-exported for the modules that also compute checksums.
export { CHECKSUM_ALGORITHM, type Checksum, isChecksum } from "./checksum-shape.js";

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
