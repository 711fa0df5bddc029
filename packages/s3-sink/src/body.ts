import { type Readable, Transform, type TransformCallback } from "node:stream";
import { type Checksum, ChecksumHasher } from "./checksum.js";
import { SizeMismatchError } from "./errors.js";

export type PutBody = Readable | Uint8Array | string;

/** A body already in memory, as a Buffer (no copy for Buffers and Uint8Arrays). */
export function bufferedBody(body: PutBody): Buffer | undefined {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array)
    return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

/**
 * Passes bytes through, counting them and computing their CRC32C. With an expected size it fails as soon as the
 * body grows past it, and at the end if the body fell short, so a wrong-sized body errors before any sink commits it.
 */
export class ByteCounter extends Transform {
  bytes = 0;
  readonly #hasher = new ChecksumHasher();
  readonly #key: string;
  readonly #expectedSize: number | undefined;

  constructor(key: string, expectedSize: number | undefined) {
    super();
    this.#key = key;
    this.#expectedSize = expectedSize;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.#expectedSize !== undefined && this.bytes > this.#expectedSize) {
      callback(new SizeMismatchError(this.#key, this.#expectedSize, this.bytes));
      return;
    }
    this.#hasher.update(chunk);
    callback(null, chunk);
  }

  /** CRC32C of everything passed; read once the stream has ended. */
  checksum(): Checksum {
    return this.#hasher.digest();
  }

  override _flush(callback: TransformCallback): void {
    if (this.#expectedSize !== undefined && this.bytes !== this.#expectedSize) {
      callback(new SizeMismatchError(this.#key, this.#expectedSize, this.bytes));
      return;
    }
    callback();
  }
}

/** How reading a body straight into memory went: the body's size, and what stopped it if it failed. */
export interface FilledBody {
  /** Bytes the body had: more than the target holds when it was too long (the excess is not written). */
  readonly bytes: number;
  readonly error?: unknown;
}

/**
 * The method of a body that can copy itself straight into memory its reader provides, instead of handing over chunks
 * (the origin client's bodies can: receiving then allocates nothing). Keyed by a registered symbol so a body from
 * any copy of the package is recognised.
 */
export const fillBuffer: unique symbol = Symbol.for("vod-harvest.fill-buffer");

export interface FillableBody {
  /** Copies the rest of the body into `target` from its start; resolves (never rejects) when the body ends or fails. */
  [fillBuffer](target: Buffer): Promise<FilledBody>;
}

export function isFillable(body: Readable): body is Readable & FillableBody {
  return typeof (body as Partial<FillableBody>)[fillBuffer] === "function";
}
