import { Transform, type TransformCallback } from "node:stream";
import { TruncatedBodyError } from "./errors.js";

/**
 * Passes an origin's body through unchanged while counting its bytes; fails (before the sink can commit) when the
 * count does not match the expected Content-Length: too many at once, too few at the end. The checksum of the
 * bytes is the sink's (PutResult.checksum), computed once where they are stored.
 */
export class OriginBodyCounter extends Transform {
  bytes = 0;
  /** The size check that failed, kept so the caller can tell it from a sink failure. */
  failure: TruncatedBodyError | undefined;

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
}
