// The preview's S3 store, loaded only for an s3:// destination: read through with the user's own credentials
// (the standard chain), nothing made public.
import type { Readable } from "node:stream";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { createS3ClientFromEnv } from "@vod-harvest/s3-sink";
import type { PreviewStore } from "./store.js";
import { isServableKey } from "./store.js";

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === "NoSuchKey" || name === "NotFound" || status === 404;
}

export function createS3Store(bucket: string, prefix: string, pathStyle: boolean): PreviewStore {
  const client = createS3ClientFromEnv(pathStyle ? { forcePathStyle: true } : {});
  const keyPrefix = prefix === "" ? "" : `${prefix.replace(/\/+$/, "")}/`;
  return {
    location: `s3://${bucket}/${keyPrefix}`,
    async *list(signal) {
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: keyPrefix, ContinuationToken }),
          { abortSignal: signal },
        );
        for (const object of page.Contents ?? []) {
          const key = object.Key?.slice(keyPrefix.length);
          if (key !== undefined && isServableKey(key)) yield key;
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken !== undefined);
    },
    async size(key, signal) {
      if (!isServableKey(key)) return undefined;
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyPrefix + key }), {
          abortSignal: signal,
        });
        return head.ContentLength;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async open(key, range, signal) {
      if (!isServableKey(key)) return undefined;
      try {
        const response = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: keyPrefix + key,
            ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}),
          }),
          { abortSignal: signal },
        );
        const total = range
          ? Number(/\/(\d+)$/.exec(response.ContentRange ?? "")?.[1] ?? Number.NaN)
          : (response.ContentLength ?? 0);
        return { body: response.Body as Readable, size: total };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
  };
}
