import type { Readable } from "node:stream";
import { detectFormat, type OriginPolicy, type Resource } from "@vod-harvest/manifest";
import type { ObjectSink } from "@vod-harvest/s3-sink";
import { DigestStream, sha256Hex } from "./digest.js";
import { HarvestError, OriginNetworkError, SinkWriteError, TruncatedBodyError } from "./errors.js";
import { discard, type OriginClient } from "./http.js";
import { abortError, type RetryHooks } from "./retry.js";
import { classifySinkError } from "./sink.js";
import type { PlannedManifest } from "./types.js";

export interface TransferContext {
  readonly client: OriginClient;
  readonly policy: OriginPolicy;
  readonly sink: ObjectSink;
  readonly signal: AbortSignal;
  readonly onRetry?: (key: string, attempt: number, error: unknown) => void;
}

/** An object written this run: its size and the sha256 computed on the way. */
export interface WrittenObject {
  readonly size: number;
  readonly sha256: string;
}

const MANIFEST_TYPES = {
  hls: "application/vnd.apple.mpegurl",
  dash: "application/dash+xml",
  mss: "application/vnd.ms-sstr+xml",
} as const;

/** A manifest's content type from its text: extensions lie (`Manifest`, `.ismc`, none at all). */
export function manifestContentType(body: string): string {
  return MANIFEST_TYPES[detectFormat(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body)];
}

/** Turns a failed put into the error the run acts on: retry (transient), stop everything (fatal), or fail. */
function sinkFailure(key: string, error: unknown): unknown {
  return classifySinkError(error) === "transient" ? new SinkWriteError(key, { cause: error }) : error;
}

function hooksFor(context: TransferContext, key: string): RetryHooks {
  return {
    signal: context.signal,
    onRetry: (attempt, error) => context.onRetry?.(key, attempt, error),
  };
}

/** Writes a planned manifest from memory, retrying transient sink failures. */
export async function putManifest(
  context: TransferContext,
  manifest: PlannedManifest,
  overwrite: boolean,
): Promise<WrittenObject> {
  const bytes = Buffer.from(manifest.body, "utf8");
  const contentType = manifestContentType(manifest.body);
  let replace = overwrite;
  await context.client.retry(
    async () => {
      try {
        await context.sink.put(manifest.key, bytes, {
          overwrite: replace,
          contentType,
          expectedSize: bytes.length,
          signal: context.signal,
        });
      } catch (error) {
        if (context.signal.aborted) throw abortError(context.signal);
        if (classifySinkError(error) === "exists") {
          replace = true; // appeared since the listing (an earlier run's last write): ours is the planned body
          throw new SinkWriteError(manifest.key, { cause: error });
        }
        throw sinkFailure(manifest.key, error);
      }
    },
    hooksFor(context, manifest.key),
  );
  return { size: bytes.length, sha256: sha256Hex(bytes) };
}

/** Which side failed: the origin's body (retry the GET) or the sink (classify its error). */
function transferFailure(
  resource: Resource,
  error: unknown,
  digest: DigestStream,
  sourceError: unknown,
  contentLength: number | undefined,
): unknown {
  if (digest.failure) return digest.failure;
  if (sourceError instanceof HarvestError) return sourceError; // already typed (e.g. a body that does not decode)
  if (sourceError !== undefined) {
    return contentLength !== undefined && digest.bytes < contentLength
      ? new TruncatedBodyError(resource.url, contentLength, digest.bytes, { cause: sourceError })
      : new OriginNetworkError(resource.url, { cause: sourceError });
  }
  return sinkFailure(resource.key, error);
}

/**
 * Streams one resource from the origin into the sink with its sha256 computed on the way; the whole exchange
 * (GET + put) is retried on origin faults, truncated bodies and transient sink failures. Memory: a few chunks.
 */
export async function copyResource(
  context: TransferContext,
  resource: Resource,
  overwrite: boolean,
): Promise<WrittenObject> {
  const url = new URL(resource.url);
  let replace = overwrite;
  return context.client.retry(
    async () => {
      const response = await context.client.open(url, context.policy, context.signal);
      const body: Readable = response.body;
      const digest = new DigestStream(resource.url, response.contentLength);
      let sourceError: unknown;
      // pipe() and these two handlers rather than pipeline(): per object, pipeline() costs an AbortController and
      // a DOMException (Node 20), which showed in the profile. Failures are read from `sourceError` /
      // `digest.failure` below; the digest is failed so that the sink never commits what came before the fault.
      body.on("error", (error) => {
        sourceError ??= error;
        digest.destroy(error);
      });
      // The sink may not be reading yet: its error is reported by the sink's put and by `digest.failure`.
      digest.on("error", () => {});
      body.once("close", () => {
        if (body.readableEnded || digest.destroyed) return;
        sourceError ??= new OriginNetworkError(resource.url, {
          cause: new Error("body closed before its end"),
        });
        digest.destroy(sourceError as Error);
      });
      body.pipe(digest);
      try {
        await context.sink.put(resource.key, digest, {
          overwrite: replace,
          signal: context.signal,
          ...(response.contentLength !== undefined ? { expectedSize: response.contentLength } : {}),
        });
      } catch (error) {
        discard(body);
        digest.destroy();
        if (context.signal.aborted) throw abortError(context.signal);
        if (classifySinkError(error) === "exists" && sourceError === undefined && !digest.failure) {
          replace = true; // appeared since the listing: replace it with what the origin serves now
          throw new SinkWriteError(resource.key, { cause: error });
        }
        throw transferFailure(resource, error, digest, sourceError, response.contentLength);
      }
      if (sourceError !== undefined || digest.failure) {
        // The sink committed although the source failed: never expected, never ignored.
        throw transferFailure(resource, undefined, digest, sourceError, response.contentLength);
      }
      return { size: digest.bytes, sha256: digest.hex() };
    },
    hooksFor(context, resource.key),
  );
}
