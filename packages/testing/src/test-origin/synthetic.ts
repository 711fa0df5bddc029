import type { GeneratedFile } from "./types.js";

const TWO_POW_32 = 2 ** 32;

/**
 * Byte `offset + k` of the synthetic stream `seed`, for k in [0, length). Each byte is a hash of its absolute
 * offset (no short period), so a shifted, repeated or dropped chunk never verifies by accident.
 */
export function syntheticBytes(seed: number, offset: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let k = 0; k < length; k++) {
    const position = offset + k;
    const high = Math.floor(position / TWO_POW_32);
    let h = Math.imul((position >>> 0) ^ seed, 0x9e3779b1) ^ Math.imul(high + 1, 0x85ebca77);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    out[k] = h >>> 24;
  }
  return out;
}

/** A deterministic generated file of `size` bytes; recompute any part of it with `syntheticBytes(seed, …)`. */
export function syntheticFile(size: number, seed = 1, contentType?: string): GeneratedFile {
  const file: GeneratedFile = {
    size,
    fill: (offset, length) => syntheticBytes(seed, offset, length),
    etag: `"synthetic-${seed}-${size.toString(16)}"`,
  };
  if (contentType !== undefined) file.contentType = contentType;
  return file;
}
