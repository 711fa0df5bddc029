import type { Readable } from "node:stream";
import { detectFormat, type OriginPolicy, type Resource } from "@vod-harvest/manifest";
import type { BodyStreamError, Checksum, ObjectSink, SizeMismatchError } from "@vod-harvest/s3-sink";
import { HarvestError, OriginNetworkError, SinkWriteError, TruncatedBodyError } from "./errors.js";
import { discard, type OriginClient, type OriginResponse } from "./http.js";
import type { LaneControl } from "./lanes.js";
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

/** An object written this run: its size and the CRC32C the sink computed (and S3 checked) as it stored it. */
export interface WrittenObject {
  readonly size: number;
  readonly checksum: Checksum;
}

const MANIFEST_TYPES = {
  hls: "application/vnd.apple.mpegurl",
  dash: "application/dash+xml",
  mss: "application/vnd.ms-sstr+xml",
} as const;

/** A manifest's content type from its text: extensions lie (`Manifest`, `.ismc`, none at all). */
function manifestContentType(body: string): string {
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
  return context.client.retry(
    async () => {
      try {
        const { size, checksum } = await context.sink.put(manifest.key, bytes, {
          overwrite: replace,
          contentType,
          expectedSize: bytes.length,
          signal: context.signal,
        });
        return { size, checksum };
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
}

/**
 * Which side failed: the origin's body (retry the GET) or the sink (classify its error). The sink reads the body
 * itself and checks its size against the origin's Content-Length (expectedSize), so a short or long body comes back
 * as the sink's SizeMismatchError, and a body that broke off as its BodyStreamError with the bytes it got.
 */
function transferFailure(resource: Resource, error: unknown, contentLength: number | undefined): unknown {
  // By name, as classifySinkError matches them: whichever copy of the sink package threw them.
  const name = error instanceof Error ? error.name : "";
  if (name === "SizeMismatchError" && contentLength !== undefined) {
    const { actualSize } = error as SizeMismatchError;
    return new TruncatedBodyError(resource.url, contentLength, actualSize, { cause: error });
  }
  if (name === "BodyStreamError") {
    const { bytesRead } = error as BodyStreamError;
    const cause = (error as BodyStreamError).cause;
    if (cause instanceof HarvestError) return cause; // already typed (e.g. a body that does not decode)
    return contentLength !== undefined && bytesRead < contentLength
      ? new TruncatedBodyError(resource.url, contentLength, bytesRead, { cause })
      : new OriginNetworkError(resource.url, { cause });
  }
  return sinkFailure(resource.key, error);
}

/** The GET of a resource, started before its turn (see copyResource's `opened`). */
export function openAhead(context: TransferContext, resource: Resource): Promise<OriginResponse> {
  let opened: Promise<OriginResponse>;
  try {
    // A small body comes back whole in the sink's own memory, which a put takes without a copy.
    const url = new URL(resource.url);
    opened = context.client.open(url, context.policy, context.signal, context.sink.bodyMemory);
  } catch (error) {
    opened = Promise.reject(error);
  }
  opened.catch(() => {}); // its failure is the first attempt's, seen when that attempt awaits it
  return opened;
}

/** Gives up a GET opened ahead and not used: a body still to be read is dropped with its connection. */
export function dropAhead(opened: Promise<OriginResponse>): void {
  opened.then(
    (response) => discard(response.body),
    () => {},
  );
}

/**
 * Streams one resource from the origin into the sink, which checksums it on the way; the whole exchange
 * (GET + put) is retried on origin faults, truncated bodies and transient sink failures. Memory: a few chunks, or
 * the body when it is small. `opened`: the first attempt's GET, started ahead (it is used or dropped). `lane`: once
 * the body is in memory the lane may start its next item's GET while this one is stored; a GET sent again first
 * drops that one, so a lane never waits for a connection while holding one for later.
 */
export async function copyResource(
  context: TransferContext,
  resource: Resource,
  overwrite: boolean,
  opened?: Promise<OriginResponse>,
  lane?: LaneControl,
): Promise<WrittenObject> {
  let replace = overwrite;
  let ahead = opened;
  try {
    return await context.client.retry(
      async (attempt) => {
        if (attempt > 1) lane?.dropNext();
        const opening = ahead ?? openAhead(context, resource);
        ahead = undefined;
        const response = await opening;
        const body: Readable | Buffer = response.body;
        if (Buffer.isBuffer(body)) lane?.takeNext();
        // The sink may not read yet (it prepares its write first): a connection reset meanwhile is reported to it by
        // the stream's stored error, not as an unhandled 'error' event.
        else body.on("error", () => {});
        let stored: WrittenObject;
        try {
          // Straight into the sink: it counts, size-checks against Content-Length and checksums the bytes once.
          stored = await context.sink.put(resource.key, body, {
            overwrite: replace,
            signal: context.signal,
            ...(response.contentLength !== undefined ? { expectedSize: response.contentLength } : {}),
          });
        } catch (error) {
          discard(body);
          if (context.signal.aborted) throw abortError(context.signal);
          if (classifySinkError(error) === "exists") {
            replace = true; // appeared since the listing: replace it with what the origin serves now
            throw new SinkWriteError(resource.key, { cause: error });
          }
          throw transferFailure(resource, error, response.contentLength);
        }
        return { size: stored.size, checksum: stored.checksum };
      },
      hooksFor(context, resource.key),
    );
  } finally {
    if (ahead !== undefined) dropAhead(ahead); // stopped before the first attempt
  }
}
