import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { Agent, request } from "undici";

/** One object of the raw copy: where to GET it and the key to store it under. */
export interface RawItem {
  readonly url: string;
  readonly key: string;
}

export type RawTarget =
  | { readonly kind: "directory"; readonly root: string }
  | { readonly kind: "s3"; readonly client: S3Client; readonly bucket: string; readonly prefix: string };

const MULTIPART_THRESHOLD = 16 * 1024 * 1024;

/**
 * The baseline: the least a copy of the same URL list needs (GET, then a file write or a PutObject), at the same
 * concurrency and over the same HTTP stack as the engine, with no parsing, planning, retries, size checks, hashing,
 * verification or record; against S3 it sends the SDK's default checksum (the engine sends its CRC32C). Whatever
 * the engine costs beyond this is its own overhead.
 */
export async function rawCopy(
  items: readonly RawItem[],
  target: RawTarget,
  concurrency: number,
): Promise<{ objects: number; bytes: number }> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
  const madeDirs = new Set<string>();
  let next = 0;
  let bytes = 0;

  async function store(key: string, body: Readable, length: number | undefined): Promise<void> {
    if (target.kind === "directory") {
      const path = join(target.root, key);
      const dir = dirname(path);
      if (!madeDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        madeDirs.add(dir);
      }
      await pipeline(body, createWriteStream(path));
      return;
    }
    const params = { Bucket: target.bucket, Key: `${target.prefix}/${key}`, Body: body };
    if (length !== undefined && length < MULTIPART_THRESHOLD) {
      await target.client.send(new PutObjectCommand({ ...params, ContentLength: length }));
    } else {
      await new Upload({ client: target.client, params, partSize: 8 * 1024 * 1024, queueSize: 4 }).done();
    }
  }

  async function lane(): Promise<void> {
    for (let index = next++; index < items.length; index = next++) {
      const item = items[index] as RawItem;
      const response = await request(item.url, { dispatcher: agent });
      if (response.statusCode !== 200) throw new Error(`${item.url}: HTTP ${response.statusCode}`);
      const header = response.headers["content-length"];
      const length = typeof header === "string" ? Number(header) : undefined;
      await store(item.key, response.body, length);
      bytes += length ?? 0;
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    await agent.close();
  }
  return { objects: items.length, bytes };
}
