/**
 * Downloads a packaging source from S3 to a work directory: every object under the entry playlist's "directory"
 * (its key up to the last `/`), so relative references between the source's files keep working on disk.
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { SourceError } from "../errors.js";

export interface FetchedSource {
  /** Local path of the entry playlist. */
  readonly entryPath: string;
  readonly objects: number;
}

export async function fetchSource(
  s3: S3Client,
  source: { readonly arn: string; readonly bucket: string; readonly key: string },
  destination: string,
  signal: AbortSignal,
): Promise<FetchedSource> {
  const slash = source.key.lastIndexOf("/");
  const prefix = slash < 0 ? "" : source.key.slice(0, slash + 1);
  const keys = await listKeys(s3, source, prefix, signal);
  if (!keys.includes(source.key))
    throw new SourceError(source.arn, `s3://${source.bucket}/${source.key} does not exist`);
  const root = resolve(destination);
  for (const key of keys) {
    const path = resolve(root, key.slice(prefix.length));
    // A key such as `a/../../x` must not write outside the work directory.
    if (!path.startsWith(root + sep))
      throw new SourceError(source.arn, `object key ${key} escapes the source directory`);
    await mkdir(dirname(path), { recursive: true });
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: key }), {
        abortSignal: signal,
      });
      if (!(object.Body instanceof Readable))
        throw new SourceError(source.arn, `${key}: GetObject returned no body`);
      await pipeline(object.Body, createWriteStream(path), { signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new SourceError(source.arn, `could not read s3://${source.bucket}/${key}`, { cause: error });
    }
  }
  return { entryPath: join(root, source.key.slice(prefix.length)), objects: keys.length };
}

async function listKeys(
  s3: S3Client,
  source: { readonly arn: string; readonly bucket: string },
  prefix: string,
  signal: AbortSignal,
): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: source.bucket, Prefix: prefix, ContinuationToken: token }),
        { abortSignal: signal },
      );
      for (const object of page.Contents ?? [])
        if (object.Key && !object.Key.endsWith("/")) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (error) {
    if (signal.aborted) throw error;
    throw new SourceError(source.arn, `could not list s3://${source.bucket}/${prefix}`, { cause: error });
  }
  return keys;
}
