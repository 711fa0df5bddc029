import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { ByteCounter, bufferedBody, type PutBody } from "./body.js";
import { CHECKSUM_ALGORITHM, type Checksum, checksumOf } from "./checksum.js";
import { contentTypeFor } from "./content-type.js";
import {
  BodyStreamError,
  InvalidDestinationError,
  InvalidKeyError,
  SinkAbortedError,
  type SinkError,
  SizeMismatchError,
} from "./errors.js";
import { isValidKey, MAX_KEY_BYTES, validateKey, validateListPrefix } from "./keys.js";
import { checkS3Configuration } from "./s3-client.js";
import { isS3NotFound, mapS3Error, type S3Operation } from "./s3-errors.js";
import { normalizeS3Prefix, validateBucketName } from "./s3-url.js";
import type { ObjectInfo, ObjectRange, ObjectSink, PutOptions, PutResult } from "./types.js";

const MiB = 1024 * 1024;
/** S3's limits: parts of 5 MiB to 5 GiB (except the last), keys of at most 1024 UTF-8 bytes. */
const MIN_PART_SIZE = 5 * MiB;
const MAX_PART_SIZE = 5 * 1024 * MiB;

export interface S3SinkOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix of the sink's root; leading/trailing `/` optional. Default: the bucket's root. */
  readonly prefix?: string;
  /** Bodies of known size below this go up in one PutObject; others in parts. Default 16 MiB. */
  readonly multipartThresholdBytes?: number;
  /** Default 8 MiB, at least 5 MiB. Memory per multipart put is about partSize × (queueSize + 1). */
  readonly partSizeBytes?: number;
  /** Parts uploaded concurrently per object. Default 4. */
  readonly queueSize?: number;
  /** MaxKeys per ListObjectsV2 page (1–1000). Default 1000; smaller only to exercise paging. */
  readonly listPageSize?: number;
}

function positiveInteger(value: number | undefined, fallback: number, name: string, min = 1, max = Infinity) {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || chosen < min || chosen > max) {
    throw new InvalidDestinationError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return chosen;
}

function abortedError(target: string, signal: AbortSignal): SinkAbortedError {
  return new SinkAbortedError(`${target}: aborted`, { cause: signal.reason });
}

export function createS3Sink(options: S3SinkOptions): ObjectSink {
  const { client } = options;
  const bucket = validateBucketName(options.bucket);
  const rootPrefix = normalizeS3Prefix((options.prefix ?? "").replace(/^\/+/, ""));
  const keyPrefix = rootPrefix === "" ? "" : `${rootPrefix}/`;
  const threshold = positiveInteger(options.multipartThresholdBytes, 16 * MiB, "multipartThresholdBytes");
  const partSize = positiveInteger(
    options.partSizeBytes,
    8 * MiB,
    "partSizeBytes",
    MIN_PART_SIZE,
    MAX_PART_SIZE,
  );
  const queueSize = positiveInteger(options.queueSize, 4, "queueSize", 1, 64);
  const listPageSize = positiveInteger(options.listPageSize, 1000, "listPageSize", 1, 1000);
  const location = `s3://${bucket}/${keyPrefix}`;

  function fullKeyOf(key: string): string {
    validateKey(key);
    const fullKey = keyPrefix + key;
    if (Buffer.byteLength(fullKey, "utf8") > MAX_KEY_BYTES) {
      throw new InvalidKeyError(key, `longer than ${MAX_KEY_BYTES} bytes with the prefix`);
    }
    return fullKey;
  }

  function fail(error: unknown, operation: S3Operation, key: string, signal?: AbortSignal): SinkError {
    const target = `${location}${key}`;
    if (signal?.aborted) return abortedError(target, signal);
    return mapS3Error(error, operation, target, key);
  }

  async function head(key: string, signal?: AbortSignal): Promise<ObjectInfo | undefined> {
    const Key = fullKeyOf(key);
    try {
      const command = new HeadObjectCommand({ Bucket: bucket, Key, ChecksumMode: "ENABLED" });
      const response = await client.send(command, { abortSignal: signal });
      // A multipart object stored with per-part checksums shows a checksum of checksums: not the object's.
      const checksum =
        response.ChecksumType === "COMPOSITE" ? undefined : (response.ChecksumCRC32C ?? undefined);
      return { key, size: response.ContentLength ?? 0, ...(checksum ? { checksum } : {}) };
    } catch (error) {
      if (!signal?.aborted && isS3NotFound(error)) return undefined;
      throw fail(error, "head", key, signal);
    }
  }

  async function read(key: string, signal?: AbortSignal, range?: ObjectRange): Promise<Readable> {
    try {
      const Range = range ? `bytes=${range.offset}-${range.offset + range.length - 1}` : undefined;
      const command = new GetObjectCommand({ Bucket: bucket, Key: fullKeyOf(key), Range });
      const response = await client.send(command, { abortSignal: signal });
      return response.Body as Readable;
    } catch (error) {
      throw fail(error, "read", key, signal);
    }
  }

  async function* list(prefix = "", signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    validateListPrefix(prefix);
    let ContinuationToken: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        const command = new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: keyPrefix + prefix,
          MaxKeys: listPageSize,
          ContinuationToken,
        });
        page = await client.send(command, { abortSignal: signal });
      } catch (error) {
        throw fail(error, "list", prefix, signal);
      }
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(keyPrefix.length);
        // Objects someone else stored under keys we could never write (`a//b`, folder markers) are not ours.
        if (key === undefined || !isValidKey(key)) continue;
        yield { key, size: object.Size ?? 0 };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
  }

  async function put(key: string, body: PutBody, putOptions: PutOptions = {}): Promise<PutResult> {
    const Key = fullKeyOf(key);
    const { overwrite = false, expectedSize, signal } = putOptions;
    if (expectedSize !== undefined && !(Number.isSafeInteger(expectedSize) && expectedSize >= 0)) {
      throw new InvalidDestinationError(
        `${key}: expectedSize must be a non-negative integer, got ${expectedSize}`,
      );
    }
    const target = `${location}${key}`;
    if (signal?.aborted) throw abortedError(target, signal);
    const buffered = bufferedBody(body);
    if (buffered !== undefined && expectedSize !== undefined && buffered.length !== expectedSize) {
      throw new SizeMismatchError(key, expectedSize, buffered.length);
    }
    const params: PutObjectCommandInput = {
      Bucket: bucket,
      Key,
      ContentType: putOptions.contentType ?? contentTypeFor(key),
      // The value goes in per request (checksummingClient); naming the algorithm lets S3 keep it.
      ChecksumAlgorithm: CHECKSUM_ALGORITHM,
      // Conditional create: S3 refuses (412) if the key exists when the object would be committed.
      ...(overwrite ? {} : { IfNoneMatch: "*" }),
    };
    const knownSize = buffered?.length ?? expectedSize;
    const singlePut = knownSize !== undefined && knownSize < threshold;

    // Aborts the request(s): on the caller's signal, and for a single put when the body fails (the SDK pipes the
    // body into the request without watching it for errors, so the request would otherwise hang).
    const controller = new AbortController();
    let counter: ByteCounter | undefined;
    let bodyError: unknown;
    let upload: Upload | undefined;
    const onAbort = () => {
      controller.abort(signal?.reason);
      counter?.destroy();
    };
    // pipe() and error handlers rather than pipeline(): per put, Node 20's pipeline() builds an AbortController
    // and a DOMException, which showed in the profile of a 6,000-object copy (~0.3 CPU-s).
    const bodyFailed = (error: Error) => {
      bodyError ??= error;
      counter?.destroy(error);
      if (singlePut) controller.abort(error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (buffered === undefined) {
        const stream = body as Readable;
        const sizeCounter = new ByteCounter(key, expectedSize);
        counter = sizeCounter;
        stream.on("error", bodyFailed);
        // Destroyed without an error, the source never ends the counter: the put would wait forever.
        stream.once("close", () => {
          if (!stream.readableEnded && !sizeCounter.destroyed)
            bodyFailed(new Error("body closed before its end"));
        });
        sizeCounter.on("error", bodyFailed);
        stream.pipe(sizeCounter);
      }
      const source = buffered ?? (counter as ByteCounter);
      let checksum: Checksum;
      if (singlePut) {
        // A small body is gathered first: its checksum must travel in a header, and S3 checks it on arrival.
        // Memory: below the multipart threshold per put, as a multipart put holds its parts.
        const data = buffered ?? (await gather(counter as ByteCounter));
        // A streamed body was checksummed by its counter on the way in (final once gathered): not hashed twice.
        checksum = buffered ? checksumOf(buffered) : (counter as ByteCounter).checksum();
        const input = { ...params, Body: data, ContentLength: data.length, ChecksumCRC32C: checksum };
        await client.send(new PutObjectCommand(input), { abortSignal: controller.signal });
      } else {
        let whole: Checksum | undefined;
        const fullObject = () => {
          whole ??= buffered ? checksumOf(buffered) : (counter as ByteCounter).checksum();
          return whole;
        };
        upload = new Upload({
          client: checksummingClient(client, fullObject),
          params: {
            ...params,
            Body: source,
            ...(knownSize === undefined ? {} : { ContentLength: knownSize }),
          },
          partSize,
          queueSize,
          leavePartsOnError: false,
          abortController: controller,
        });
        await upload.done();
        checksum = fullObject();
      }
      return { key, size: buffered?.length ?? (counter as ByteCounter).bytes, checksum };
    } catch (error) {
      // The counter's own error is there even if its 'error' event has not been emitted yet.
      bodyError ??= counter?.errored ?? undefined;
      let failure: SinkError;
      if (signal?.aborted) failure = abortedError(target, signal);
      else if (error instanceof SizeMismatchError) failure = error;
      else if (bodyError instanceof SizeMismatchError) failure = bodyError;
      else if (bodyError !== undefined)
        failure = new BodyStreamError(key, counter?.bytes ?? 0, { cause: bodyError });
      else failure = mapS3Error(error, "put", target, key);
      // Release the caller's stream (an origin connection) now.
      if (buffered === undefined && !(body as Readable).destroyed) (body as Readable).destroy();
      counter?.destroy();
      if (upload?.uploadId !== undefined && signal?.aborted) await abortMultipart(Key, upload.uploadId);
      throw failure;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** A streamed body below the multipart threshold, whole (the counter fails it on a wrong size). */
  async function gather(stream: ByteCounter): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** lib-storage aborts the upload itself, but only once in-flight parts finish; we do not wait for that. */
  async function abortMultipart(Key: string, UploadId: string): Promise<void> {
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }));
    } catch {
      // Best effort: lib-storage also aborts it, and a bucket lifecycle rule should reap leftovers.
    }
  }

  async function remove(key: string, signal?: AbortSignal): Promise<void> {
    const Key = fullKeyOf(key);
    try {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }), { abortSignal: signal });
    } catch (error) {
      throw fail(error, "delete", key, signal);
    }
  }

  const check = () => checkS3Configuration(client);

  return { location, head, list, put, read, delete: remove, check };
}

/**
 * The client lib-storage sends through, with this object's CRC32C on every request that carries bytes: each part
 * with its own (S3 checks it on arrival), CompleteMultipartUpload with the full-object value S3 checks against the
 * parts. The SDK sees a checksum header already there and computes none of its own.
 */
function checksummingClient(client: S3Client, fullObject: () => Checksum): S3Client {
  const send = (command: unknown, options?: unknown) => {
    if (command instanceof UploadPartCommand || command instanceof PutObjectCommand) {
      command.input.ChecksumCRC32C = checksumOf(command.input.Body as Uint8Array);
    } else if (command instanceof CreateMultipartUploadCommand) {
      command.input.ChecksumType = "FULL_OBJECT";
    } else if (command instanceof CompleteMultipartUploadCommand) {
      command.input.ChecksumType = "FULL_OBJECT";
      command.input.ChecksumCRC32C = fullObject();
    }
    return (client.send as (command: unknown, options?: unknown) => Promise<unknown>)(command, options);
  };
  return new Proxy(client, {
    get: (target, property) => (property === "send" ? send : Reflect.get(target, property)),
  });
}
