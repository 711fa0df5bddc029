// S3 checks the CRC32C sent with the bytes and refuses what does not match; the local moto is patched to do the
// same (packages/testing/src/moto/moto_checksums.py). These tests hold moto to it, then the sink against an altering proxy.
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import {
  type AlteringProxy,
  type MotoServer,
  skipWithoutMoto,
  startAlteringProxy,
  startMoto,
} from "@vod-harvest/testing/moto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checksumOf } from "../src/checksum.js";
import { createS3ClientFromEnv } from "../src/s3-client.js";
import { createS3Sink } from "../src/s3-sink.js";
import { chunkedStream, patternBuffer } from "./helpers/streams.js";

const MiB = 1024 * 1024;
const BUCKET = "checksums";
const skip = skipWithoutMoto("S3 checksum tests against moto");

let moto: MotoServer;
let client: S3Client;
let proxy: AlteringProxy;
let proxied: S3Client;

beforeAll(async () => {
  if (skip) return;
  moto = await startMoto();
  client = createS3ClientFromEnv({ forcePathStyle: true, env: moto.env });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  proxy = await startAlteringProxy(moto.endpoint, "/altered/");
  proxied = createS3ClientFromEnv({
    forcePathStyle: true,
    env: { ...moto.env, AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_ENDPOINT_URL: proxy.endpoint },
  });
});
afterAll(async () => {
  client?.destroy();
  proxied?.destroy();
  await proxy?.close();
  await moto?.stop();
});

async function stored(Key: string) {
  try {
    return await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key, ChecksumMode: "ENABLED" }));
  } catch (error) {
    if ((error as Error).name === "NotFound") return undefined;
    throw error;
  }
}

const WRONG = checksumOf("other bytes");

describe.skipIf(skip)("moto checks checksums as S3 does", () => {
  test("a PutObject whose x-amz-checksum-crc32c is right is stored with it; a wrong one is refused (BadDigest)", async () => {
    const Body = patternBuffer(70_000);
    const put = (Key: string, ChecksumCRC32C: string) =>
      client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key, Body, ChecksumAlgorithm: "CRC32C", ChecksumCRC32C }),
      );
    await put("moto/right", checksumOf(Body));
    expect((await stored("moto/right"))?.ChecksumCRC32C).toBe(checksumOf(Body));
    await expect(put("moto/wrong", WRONG)).rejects.toMatchObject({ name: "BadDigest" });
    expect(await stored("moto/wrong")).toBeUndefined();
  });

  test("a CRC32C the SDK sends in an aws-chunked trailer is checked too: the true one is kept as the object's", async () => {
    const sdk = new S3Client({ ...client.config, requestChecksumCalculation: "WHEN_SUPPORTED" } as never);
    const body = patternBuffer(200_000, 7);
    const Key = "moto/trailer";
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key,
        Body: chunkedStream(body),
        ContentLength: body.length,
        ChecksumAlgorithm: "CRC32C",
      }),
    );
    sdk.destroy();
    // moto without a correct CRC32C would have kept a CRC32 under the name.
    expect((await stored(Key))?.ChecksumCRC32C).toBe(checksumOf(body));
  });

  test("UploadPart and CompleteMultipartUpload: a wrong part checksum, then a wrong full-object one, are refused", async () => {
    const Key = "moto/multipart";
    const parts = [patternBuffer(5 * MiB, 1), patternBuffer(MiB, 2)];
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: BUCKET,
        Key,
        ChecksumAlgorithm: "CRC32C",
        ChecksumType: "FULL_OBJECT",
      }),
    );
    const upload = (PartNumber: number, Body: Buffer, ChecksumCRC32C: string) =>
      client.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber, Body, ChecksumCRC32C }));
    await expect(upload(1, parts[0] as Buffer, WRONG)).rejects.toMatchObject({ name: "BadDigest" });
    const uploaded = await Promise.all(
      parts.map(async (Body, index) => {
        const response = await upload(index + 1, Body, checksumOf(Body));
        return { PartNumber: index + 1, ETag: response.ETag, ChecksumCRC32C: response.ChecksumCRC32C };
      }),
    );
    const complete = (ChecksumCRC32C: string) =>
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key,
          UploadId,
          MultipartUpload: { Parts: uploaded },
          ChecksumType: "FULL_OBJECT",
          ChecksumCRC32C,
        }),
      );
    await expect(complete(WRONG)).rejects.toMatchObject({ name: "BadDigest" });
    expect(await stored(Key)).toBeUndefined();
    const whole = checksumOf(Buffer.concat(parts));
    await complete(whole);
    const head = await stored(Key);
    expect([head?.ChecksumCRC32C, head?.ChecksumType]).toEqual([whole, "FULL_OBJECT"]);
  });
});

describe.skipIf(skip)("the S3 sink: bytes altered on the way to S3", () => {
  test.each([
    ["a single put", 300_000, 16 * MiB],
    ["a multipart put", 11 * MiB, 5 * MiB + 1],
  ])(
    "%s is refused by S3: ChecksumMismatchError naming the key, nothing stored",
    async (_what, size, threshold) => {
      const sink = createS3Sink({
        client: proxied,
        bucket: BUCKET,
        prefix: `altered/${size}`,
        multipartThresholdBytes: threshold,
        partSizeBytes: 5 * MiB,
      });
      const before = proxy.altered();
      const put = sink.put("v/seg-1.m4s", chunkedStream(patternBuffer(size)), { expectedSize: size });
      await expect(put).rejects.toMatchObject({
        name: "ChecksumMismatchError",
        code: "CHECKSUM_MISMATCH",
        key: "v/seg-1.m4s",
        message: expect.stringContaining(`s3://${BUCKET}/altered/${size}/v/seg-1.m4s`),
      });
      expect(proxy.altered()).toBeGreaterThan(before);
      expect(await stored(`altered/${size}/v/seg-1.m4s`)).toBeUndefined();
    },
  );

  test.each([
    ["a single put", 300_000],
    ["a multipart put", 11 * MiB],
  ])(
    "%s with the SDK's default checksums on (as against AWS): ours is the only one sent, no trailer",
    async (_what, size) => {
      // requestChecksumCalculation WHEN_SUPPORTED is the SDK's default for AWS: it would add a CRC32 of its own.
      const awsLike = createS3ClientFromEnv({
        forcePathStyle: true,
        env: { ...moto.env, AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_ENDPOINT_URL: proxy.endpoint },
        clientConfig: { requestChecksumCalculation: "WHEN_SUPPORTED" },
      });
      const sink = createS3Sink({
        client: awsLike,
        bucket: BUCKET,
        prefix: `default-checksums/${size}`,
        multipartThresholdBytes: 5 * MiB + 1,
        partSizeBytes: 5 * MiB,
      });
      const body = patternBuffer(size, 3);
      const seen = proxy.requests.length;
      await sink.put("v/seg.m4s", chunkedStream(body), { expectedSize: size });
      awsLike.destroy();
      const bodies = proxy.requests.slice(seen).filter((request) => request.method === "PUT");
      expect(bodies.length).toBe(size > 5 * MiB ? 3 : 1); // two parts and none else, or one PutObject
      for (const { headers } of bodies) {
        expect(Object.keys(headers).filter((name) => name.startsWith("x-amz-checksum-"))).toEqual([
          "x-amz-checksum-crc32c",
        ]);
        expect(headers["x-amz-trailer"]).toBeUndefined();
        expect(headers["content-encoding"] ?? "").not.toContain("aws-chunked");
      }
      const complete = proxy.requests
        .slice(seen)
        .find((request) => request.method === "POST" && request.url.includes("uploadId="));
      if (size > 5 * MiB) {
        expect(complete?.headers["x-amz-checksum-crc32c"]).toBe(checksumOf(body));
        expect(complete?.headers["x-amz-checksum-type"]).toBe("FULL_OBJECT");
      }
      expect((await stored(`default-checksums/${size}/v/seg.m4s`))?.ChecksumCRC32C).toBe(checksumOf(body));
    },
  );

  test("the same put through the proxy untouched (no marker) is stored: the proxy alone is not the failure", async () => {
    const sink = createS3Sink({ client: proxied, bucket: BUCKET, prefix: "clean" });
    const body = patternBuffer(300_000);
    await expect(
      sink.put("v/seg-1.m4s", chunkedStream(body), { expectedSize: body.length }),
    ).resolves.toEqual({
      key: "v/seg-1.m4s",
      size: body.length,
      checksum: checksumOf(body),
    });
  });
});
