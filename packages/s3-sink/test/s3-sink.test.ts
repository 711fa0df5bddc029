import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { type MotoServer, skipWithoutMoto, startMoto } from "@vod-harvest/testing/moto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checksumOf } from "../src/checksum.js";
import { createS3ClientFromEnv } from "../src/s3-client.js";
import { createS3Sink, type S3SinkOptions } from "../src/s3-sink.js";
import type { ObjectInfo } from "../src/types.js";
import { chunkedStream, failingStream, patternBuffer, sha256, stallingStream } from "./helpers/streams.js";

const MiB = 1024 * 1024;
const BUCKET = "harvest-test";
const skip = skipWithoutMoto("S3 sink tests against moto");

let moto: MotoServer;
let client: S3Client;
let prefixCounter = 0;

beforeAll(async () => {
  if (skip) return;
  moto = await startMoto();
  client = createS3ClientFromEnv({ forcePathStyle: true, env: moto.env });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

/** A sink on its own prefix, so tests never see each other's objects. Multipart from 5 MiB + 1, parts of 5 MiB. */
function newSink(options: Partial<S3SinkOptions> = {}) {
  prefixCounter += 1;
  const prefix = `run-${prefixCounter}/asset`;
  const sink = createS3Sink({
    client,
    bucket: BUCKET,
    prefix,
    multipartThresholdBytes: 5 * MiB + 1,
    partSizeBytes: 5 * MiB,
    ...options,
  });
  return { sink, prefix };
}

async function getBytes(key: string): Promise<Buffer> {
  const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from((await response.Body?.transformToByteArray()) ?? []);
}

async function headRaw(key: string) {
  return client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
}

async function openMultipartUploads(prefix: string): Promise<number> {
  const response = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }));
  return response.Uploads?.length ?? 0;
}

async function collect(objects: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const all: ObjectInfo[] = [];
  for await (const object of objects) all.push(object);
  return all.sort((a, b) => a.key.localeCompare(b.key));
}

describe.skipIf(skip)("S3 sink against moto", () => {
  describe("put, head, list, delete", () => {
    test.each([
      // [what, body, expectedSize, size, multipart part count (0: a single PutObject)]
      ["a small buffer", () => patternBuffer(1000), undefined, 1000, 0],
      ["a small stream of known size", () => chunkedStream(patternBuffer(300_000)), 300_000, 300_000, 0],
      ["a small stream of unknown size", () => chunkedStream(patternBuffer(300_000)), undefined, 300_000, 0],
      ["a 12 MiB stream of known size", () => chunkedStream(patternBuffer(12 * MiB)), 12 * MiB, 12 * MiB, 3],
      [
        "a 12 MiB stream of unknown size",
        () => chunkedStream(patternBuffer(12 * MiB)),
        undefined,
        12 * MiB,
        3,
      ],
      ["a 12 MiB buffer", () => patternBuffer(12 * MiB), undefined, 12 * MiB, 3],
    ])("stores %s byte for byte", async (_what, body, expectedSize, size, parts) => {
      const { sink, prefix } = newSink();
      const result = await sink.put("v/seg-1.m4s", body(), { expectedSize });
      // The CRC32C of the bytes, sent with them (single put and every part), kept by S3 as the object's own.
      const checksum = checksumOf(patternBuffer(size));
      expect(result).toEqual({ key: "v/seg-1.m4s", size, checksum });
      const stored = await getBytes(`${prefix}/v/seg-1.m4s`);
      expect(stored.length).toBe(size);
      expect(sha256(stored)).toBe(sha256(patternBuffer(size)));
      // A multipart object's ETag ends in -<part count>; a single PutObject's has no dash.
      const { ETag } = await headRaw(`${prefix}/v/seg-1.m4s`);
      expect(ETag).toMatch(parts === 0 ? /^"[0-9a-f]{32}"$/ : new RegExp(`^"[0-9a-f]{32}-${parts}"$`));
      expect(await sink.head("v/seg-1.m4s")).toEqual({ key: "v/seg-1.m4s", size, checksum });
      const stated = await client.send(
        new HeadObjectCommand({ Bucket: BUCKET, Key: `${prefix}/v/seg-1.m4s`, ChecksumMode: "ENABLED" }),
      );
      expect([stated.ChecksumCRC32C, stated.ChecksumType]).toEqual([checksum, "FULL_OBJECT"]);
      expect(await openMultipartUploads(prefix)).toBe(0);
    });

    test.each([
      ["index.m3u8", "application/vnd.apple.mpegurl"],
      ["dash/index.mpd", "application/dash+xml"],
      ["mss/asset.ism/Manifest", "text/xml"],
      ["hls/seg_1.ts", "video/mp2t"],
      ["cmaf/seg_1.cmfa", "audio/mp4"],
      ["subs/en.vtt", "text/vtt"],
      ["keys/k.key", "application/octet-stream"],
    ])("stores %s with content type %s", async (key, contentType) => {
      const { sink, prefix } = newSink();
      await sink.put(key, "body");
      expect((await headRaw(`${prefix}/${key}`)).ContentType).toBe(contentType);
    });

    test("an explicit content type wins", async () => {
      const { sink, prefix } = newSink();
      await sink.put("seg.mp4", "body", { contentType: 'video/mp4; codecs="avc1.64001f"' });
      expect((await headRaw(`${prefix}/seg.mp4`)).ContentType).toBe('video/mp4; codecs="avc1.64001f"');
    });

    test.each([
      [0, 1],
      [1_000, 65_536],
      [299_990, 10],
    ])("read of the range at %i, %i bytes: exactly those bytes", async (offset, length) => {
      const { sink } = newSink();
      const data = patternBuffer(300_000, 3);
      await sink.put("v/ranged.ts", data);
      const chunks: Buffer[] = [];
      for await (const chunk of await sink.read("v/ranged.ts", undefined, { offset, length }))
        chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(data.subarray(offset, offset + length))).toBe(true);
    });

    test("read streams an object back byte for byte; a missing key is a typed error", async () => {
      const { sink } = newSink();
      const data = patternBuffer(300_000, 3);
      await sink.put("v/seg.ts", data);
      const chunks: Buffer[] = [];
      for await (const chunk of await sink.read("v/seg.ts")) chunks.push(chunk as Buffer);
      expect(sha256(Buffer.concat(chunks))).toBe(sha256(data));
      await expect(sink.read("v/missing.ts")).rejects.toMatchObject({ name: expect.stringMatching(/^Sink/) });
    });

    test("head of a missing key is undefined", async () => {
      const { sink } = newSink();
      expect(await sink.head("missing.ts")).toBeUndefined();
    });

    test("list pages through everything under the root, keys relative to it", async () => {
      const { sink, prefix } = newSink({ listPageSize: 3 });
      const keys = [
        "index.m3u8",
        ...Array.from({ length: 8 }, (_, i) => `v1/seg-${i}.ts`),
        "v10/a.ts",
        "v2/x.ts",
      ];
      for (const key of keys) await sink.put(key, key);
      // Neighbours of the root that a plain string prefix would also match.
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}-other/x.ts`, Body: "x" }));
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}//odd.ts`, Body: "x" }));
      const all = keys.map((key) => ({ key, size: key.length })).sort((a, b) => a.key.localeCompare(b.key));
      expect(await collect(sink.list())).toEqual(all);
      expect(await collect(sink.list("v1/"))).toEqual(all.filter((o) => o.key.startsWith("v1/")));
      expect(await collect(sink.list("v1"))).toEqual(all.filter((o) => o.key.startsWith("v1")));
      expect(await collect(sink.list("none/"))).toEqual([]);
    });

    test("list pages at the default page size past 1000 keys", { timeout: 120_000 }, async () => {
      const { sink } = newSink();
      const keys = Array.from({ length: 1005 }, (_, i) => `s/${String(i).padStart(4, "0")}.ts`);
      for (let i = 0; i < keys.length; i += 25) {
        await Promise.all(keys.slice(i, i + 25).map((key) => sink.put(key, "x")));
      }
      const listed = await collect(sink.list());
      expect(listed.map((o) => o.key)).toEqual(keys);
    });

    test("delete removes the object; deleting a missing key is not an error", async () => {
      const { sink } = newSink();
      await sink.put("a.ts", "x");
      await sink.delete("a.ts");
      expect(await sink.head("a.ts")).toBeUndefined();
      await expect(sink.delete("a.ts")).resolves.toBeUndefined();
    });

    test("location names the bucket and prefix", () => {
      const { sink, prefix } = newSink();
      expect(sink.location).toBe(`s3://${BUCKET}/${prefix}/`);
      expect(createS3Sink({ client, bucket: BUCKET }).location).toBe(`s3://${BUCKET}/`);
    });
  });

  describe("conditional create (If-None-Match: *)", () => {
    test.each([
      ["single put", 1000],
      ["multipart put", 12 * MiB],
    ])("%s: without overwrite the first object stays; with overwrite it is replaced", async (_what, size) => {
      const { sink, prefix } = newSink();
      const first = patternBuffer(size, 1);
      const second = patternBuffer(size, 2);
      await sink.put("seg.mp4", chunkedStream(first), { expectedSize: size });
      await expect(sink.put("seg.mp4", chunkedStream(second), { expectedSize: size })).rejects.toMatchObject({
        name: "ObjectExistsError",
        code: "ALREADY_EXISTS",
      });
      expect(sha256(await getBytes(`${prefix}/seg.mp4`))).toBe(sha256(first));
      await sink.put("seg.mp4", chunkedStream(second), { expectedSize: size, overwrite: true });
      expect(sha256(await getBytes(`${prefix}/seg.mp4`))).toBe(sha256(second));
      expect(await openMultipartUploads(prefix)).toBe(0);
    });
  });

  describe("nothing is committed unless the whole body is", () => {
    test.each([
      ["single put, short stream", () => chunkedStream(patternBuffer(1000)), 1001],
      ["single put, long stream", () => chunkedStream(patternBuffer(1000)), 999],
      ["single put, buffer", () => patternBuffer(1000), 1001],
      ["multipart, short stream", () => chunkedStream(patternBuffer(12 * MiB)), 12 * MiB + 1],
      ["multipart, long stream", () => chunkedStream(patternBuffer(12 * MiB)), 12 * MiB - 1],
      ["multipart, 6 MiB where 11 MiB expected", () => chunkedStream(patternBuffer(6 * MiB)), 11 * MiB],
    ])("%s → SIZE_MISMATCH", async (_what, body, expectedSize) => {
      const { sink, prefix } = newSink();
      await expect(sink.put("seg.ts", body(), { expectedSize })).rejects.toMatchObject({
        name: "SizeMismatchError",
        code: "SIZE_MISMATCH",
        expectedSize,
      });
      expect(await sink.head("seg.ts")).toBeUndefined();
      expect(await collect(sink.list())).toEqual([]);
      expect(await openMultipartUploads(prefix)).toBe(0);
    });

    test.each([
      ["single put", 100_000, 200_000],
      ["multipart", 6 * MiB, 12 * MiB],
    ])(
      "%s: a failing body stream → SOURCE_FAILED, nothing stored",
      async (_what, delivered, expectedSize) => {
        const { sink, prefix } = newSink();
        const error = await sink
          .put("seg.ts", failingStream(patternBuffer(delivered)), { expectedSize })
          .catch((e) => e);
        expect(error).toMatchObject({ name: "BodyStreamError", code: "SOURCE_FAILED" });
        expect(await sink.head("seg.ts")).toBeUndefined();
        expect(await openMultipartUploads(prefix)).toBe(0);
      },
    );

    test.each([
      ["single put", 100_000, 1 * MiB],
      ["multipart", 6 * MiB, 12 * MiB],
    ])(
      "%s: a body closed before its end, without an error → SOURCE_FAILED, nothing stored",
      async (_what, delivered, expectedSize) => {
        const { sink, prefix } = newSink();
        const { stream, delivered: sent } = stallingStream(patternBuffer(delivered));
        const put = sink.put("seg.ts", stream, { expectedSize }).catch((e) => e);
        await sent;
        stream.destroy(); // no error: only 'close' tells the sink the body will never end
        expect(await put).toMatchObject({ name: "BodyStreamError", code: "SOURCE_FAILED" });
        expect(await sink.head("seg.ts")).toBeUndefined();
        expect(await openMultipartUploads(prefix)).toBe(0);
      },
    );

    test.each([
      ["single put", 100_000, 1 * MiB],
      ["multipart", 6 * MiB, 12 * MiB],
    ])(
      "%s: an abort mid-stream → ABORTED, nothing stored, no upload left open",
      async (_what, delivered, size) => {
        const { sink, prefix } = newSink();
        const { stream, delivered: allRead } = stallingStream(patternBuffer(delivered));
        const controller = new AbortController();
        const putting = sink.put("seg.ts", stream, { expectedSize: size, signal: controller.signal });
        await allRead;
        // Give a multipart put time to create the upload and send its first part.
        await new Promise((resolve) => setTimeout(resolve, 500));
        controller.abort();
        await expect(putting).rejects.toMatchObject({ name: "SinkAbortedError", code: "ABORTED" });
        expect(stream.destroyed).toBe(true);
        expect(await sink.head("seg.ts")).toBeUndefined();
        expect(await openMultipartUploads(prefix)).toBe(0);
      },
    );

    test("an already aborted signal sends nothing", async () => {
      const { sink } = newSink();
      await expect(sink.put("seg.ts", "x", { signal: AbortSignal.abort() })).rejects.toMatchObject({
        code: "ABORTED",
      });
      expect(await sink.head("seg.ts")).toBeUndefined();
    });
  });

  describe("typed failures", () => {
    test("a missing bucket → NOT_FOUND", async () => {
      const sink = createS3Sink({ client, bucket: "no-such-bucket-here" });
      await expect(sink.put("a.ts", "x")).rejects.toMatchObject({
        name: "SinkNotFoundError",
        code: "NOT_FOUND",
      });
      await expect(collect(sink.list())).rejects.toMatchObject({ code: "NOT_FOUND" });
    });

    test.each([
      ["dot-dot", "../x.ts"],
      ["absolute", "/abs.ts"],
      ["empty segment", "a//b.ts"],
      ["backslash", "a\\b.ts"],
      ["empty", ""],
      ["over 1024 bytes with the prefix", `${"k".repeat(1020)}.ts`],
    ])("key (%s) → INVALID_KEY, nothing sent", async (_what, key) => {
      const { sink } = newSink();
      await expect(sink.put(key, "x")).rejects.toMatchObject({
        name: "InvalidKeyError",
        code: "INVALID_KEY",
      });
      await expect(sink.head(key)).rejects.toMatchObject({ code: "INVALID_KEY" });
      expect(await collect(sink.list())).toEqual([]);
    });

    test.each([
      [{ partSizeBytes: 4 * MiB }],
      [{ queueSize: 0 }],
      [{ multipartThresholdBytes: 0 }],
      [{ listPageSize: 1001 }],
      [{ bucket: "Not A Bucket" }],
      [{ prefix: "a/../b" }],
    ])("bad options %j → INVALID_DESTINATION", (options) => {
      expect(() => createS3Sink({ client, bucket: BUCKET, ...options })).toThrow(
        expect.objectContaining({ name: "InvalidDestinationError", code: "INVALID_DESTINATION" }),
      );
    });
  });

  describe("createS3ClientFromEnv against moto", () => {
    test("a client from the environment alone reaches the endpoint (path style inferred for an IP address)", async () => {
      const envClient = createS3ClientFromEnv({ env: moto.env });
      try {
        const sink = createS3Sink({ client: envClient, bucket: BUCKET, prefix: "from-env" });
        await sink.put("x.ts", "hello");
        expect(await sink.head("x.ts")).toEqual({ key: "x.ts", size: 5, checksum: checksumOf("hello") });
      } finally {
        envClient.destroy();
      }
    });
  });
});
