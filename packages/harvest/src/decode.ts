/**
 * Bodies an origin sent with a Content-Encoding although we asked for `identity` (a misconfigured CDN, or one that
 * compresses manifests): decoded as they stream, so the stored object is exactly what a player decodes.
 */
import { PassThrough, pipeline, type Readable, Transform, type TransformCallback } from "node:stream";
import { OriginEncodingError, OriginNetworkError, TruncatedBodyError } from "./errors.js";

// zlib is loaded when a body needs it, which an origin doing as asked never does (it cost every start 5 ms).
const zlib = () => process.getBuiltinModule("node:zlib");
const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib().createGunzip(),
  "x-gzip": () => zlib().createGunzip(),
  deflate: () => zlib().createInflate(),
  br: () => zlib().createBrotliDecompress(),
};

/**
 * Decoded bytes allowed per encoded byte (plus a fixed allowance): gzip and deflate cannot exceed ~1,032:1, so an
 * honest body never reaches it, and a decompression bomb is cut long before it fills a disk.
 */
export const MAX_DECODED_RATIO = 1_100;
const DECODED_ALLOWANCE = 1 << 20;

/** The codings applied to a body, in the order they were applied, without `identity`; lower-cased. */
export function contentEncodings(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "" && coding !== "identity");
}

/** Counts what passes; at the end, the count must equal the expected length (Content-Length of the encoded body). */
class LengthCheck extends Transform {
  bytes = 0;
  constructor(
    private readonly url: string,
    private readonly expected: number | undefined,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    if (this.expected !== undefined && this.bytes !== this.expected) {
      done(new TruncatedBodyError(this.url, this.expected, this.bytes));
    } else done();
  }
}

/** Fails once more than `limit` decoded bytes came out (measured against what arrived so far). */
class DecodedLimit extends Transform {
  private decoded = 0;
  constructor(
    private readonly url: string,
    private readonly encoding: string,
    private readonly arrived: LengthCheck,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.decoded += chunk.length;
    const limit = this.arrived.bytes * MAX_DECODED_RATIO + DECODED_ALLOWANCE;
    if (this.decoded > limit) {
      done(
        new OriginEncodingError(
          this.url,
          this.encoding,
          `decodes to more than ${MAX_DECODED_RATIO}× its ${this.arrived.bytes} encoded bytes (a decompression bomb?)`,
          false,
        ),
      );
    } else done(null, chunk);
  }
}

/** The error the reader sees: the origin's connection, the length check, or the decoding, each named as such. */
function typedFailure(
  url: string,
  label: string,
  error: Error,
  networkFailure: Error | undefined,
  arrived: LengthCheck,
  contentLength: number | undefined,
): Error {
  if (error instanceof TruncatedBodyError || error instanceof OriginEncodingError) return error;
  if (networkFailure !== undefined) {
    return contentLength !== undefined && arrived.bytes < contentLength
      ? new TruncatedBodyError(url, contentLength, arrived.bytes, { cause: networkFailure })
      : new OriginNetworkError(url, { cause: networkFailure });
  }
  // Retried: a body cut without a Content-Length to tell shows up as data that does not decode.
  return new OriginEncodingError(url, label, `does not decode: ${error.message}`, true, { cause: error });
}

/**
 * The decoded body of a response sent with `codings` (from contentEncodings), or an OriginEncodingError for a
 * coding this client cannot decode (the body is dropped). The encoded length is checked against `contentLength`;
 * a body that does not decode fails with the URL and the coding named.
 */
export function decodeBody(
  url: string,
  body: Readable,
  codings: readonly string[],
  contentLength: number | undefined,
): Readable {
  const label = codings.join(", ");
  const unknown = codings.find((coding) => DECODERS[coding] === undefined);
  if (unknown !== undefined) {
    body.on("error", () => {});
    body.destroy();
    throw new OriginEncodingError(url, label, `cannot be decoded (${unknown} is not supported)`, false);
  }
  const arrived = new LengthCheck(url, contentLength);
  // Codings are listed in the order they were applied: undo them last first.
  const decoders = [...codings].reverse().map((coding) => (DECODERS[coding] as () => Transform)());
  const limit = new DecodedLimit(url, label, arrived);
  // `out` stays outside the pipeline so that its error is the typed one, not whatever zlib threw.
  const out = new PassThrough();
  let networkFailure: Error | undefined;
  body.once("error", (error) => {
    networkFailure = error;
  });
  pipeline(body, arrived, ...decoders, limit, (error) => {
    if (error === undefined || error === null) return;
    out.destroy(typedFailure(url, label, error, networkFailure, arrived, contentLength));
  });
  limit.pipe(out);
  // The reader dropped the body: stop the origin's side too.
  out.once("close", () => {
    if (!out.readableEnded) body.destroy();
  });
  return out;
}
