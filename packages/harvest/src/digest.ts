import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { TruncatedBodyError } from "./errors.js";

/**
 * Passes a body through unchanged while computing its sha256 and counting its bytes; fails (before the sink can
 * commit) when the count does not match the expected Content-Length: too many at once, too few at the end.
 */
export class DigestStream extends Transform {
  bytes = 0;
  /** The size check that failed, kept so the caller can tell it from a sink failure. */
  failure: TruncatedBodyError | undefined;
  private readonly hash: Hash = createHash("sha256");

  constructor(
    private readonly url: string,
    private readonly expected: number | undefined,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expected !== undefined && this.bytes > this.expected) {
      this.failure = new TruncatedBodyError(this.url, this.expected, this.bytes);
      callback(this.failure);
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expected !== undefined && this.bytes !== this.expected) {
      this.failure = new TruncatedBodyError(this.url, this.expected, this.bytes);
      callback(this.failure);
      return;
    }
    callback();
  }

  /** Hex sha256 of everything passed; call once, after the stream ended. */
  hex(): string {
    return this.hash.digest("hex");
  }
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Hashes a stream to its end without keeping it: bounded memory whatever its size. */
export async function hashStream(
  stream: AsyncIterable<Uint8Array>,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest("hex"), size };
}
