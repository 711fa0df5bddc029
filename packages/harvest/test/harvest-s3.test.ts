import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { createS3ClientFromEnv, createS3Sink, type ObjectSink } from "@vod-harvest/s3-sink";
import { type MotoServer, skipWithoutMoto, startAlteringProxy, startMoto } from "@vod-harvest/testing/moto";
import {
  startTestOrigin,
  syntheticBytes,
  syntheticFile,
  type TestOrigin,
} from "@vod-harvest/testing/test-origin";
import { crc32cBase64 } from "@vod-harvest/vitest-config/crc32c";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createOriginClient } from "../src/http.js";
import { COMPLETION_RECORD_KEY, harvest } from "../src/index.js";
import { ASSET_PREFIX, hlsAsset, originFiles } from "./support.js";

const BUCKET = "harvest-engine-test";

/**
 * Reading objects back takes a signed GetObject; the SDK is the sink package's dependency, not ours, so it is
 * loaded from there (test only: the engine itself never needs it).
 */
const fromSinkPackage = createRequire(createRequire(import.meta.url).resolve("@vod-harvest/s3-sink"));
type GetObjectCommandClass = new (input: { Bucket: string; Key: string }) => object;
const { GetObjectCommand } = fromSinkPackage("@aws-sdk/client-s3") as {
  GetObjectCommand: GetObjectCommandClass;
};
type GetObjectOutput = { Body?: { transformToByteArray(): Promise<Uint8Array> } };
const BIG = 20 * 1024 * 1024 + 17; // above the S3 sink's 16 MiB multipart threshold

describe.skipIf(skipWithoutMoto("harvest end to end into moto S3"))("harvest: HLS into moto S3", () => {
  let moto: MotoServer;
  let origin: TestOrigin;
  const asset = hlsAsset();
  asset.set(
    "video/big/index.m3u8",
    Buffer.from("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nbig.ts\n#EXT-X-ENDLIST\n"),
  );
  const entry = Buffer.from(
    `${(asset.get("index.m3u8") as Buffer).toString()}#EXT-X-STREAM-INF:BANDWIDTH=9000000\nvideo/big/index.m3u8\n`,
  );
  asset.set("index.m3u8", entry);

  beforeAll(async () => {
    moto = await startMoto();
    const created = await fetch(`${moto.endpoint}/${BUCKET}`, { method: "PUT" });
    expect(created.ok).toBe(true);
    origin = await startTestOrigin({ files: originFiles(asset) });
    origin.setFile(`${ASSET_PREFIX}video/big/big.ts`, syntheticFile(BIG, 99));
  }, 120_000);

  afterAll(async () => {
    await origin?.close();
    await moto?.stop();
  });

  const sinkAt = (prefix: string): ObjectSink =>
    createS3Sink({
      client: createS3ClientFromEnv({ env: moto.env, forcePathStyle: true }),
      bucket: BUCKET,
      prefix,
    });
  const getObject = async (prefix: string, key: string): Promise<Buffer> => {
    const client = createS3ClientFromEnv({ env: moto.env, forcePathStyle: true });
    const send = client.send.bind(client) as unknown as (command: object) => Promise<GetObjectOutput>;
    const response = await send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${key}` }));
    return Buffer.from((await response.Body?.transformToByteArray()) ?? []);
  };
  const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

  test("copies byte-identical (multipart above the threshold), records every hash, then SKIPPED", async () => {
    const prefix = "vod-downloads/asset-1/hls";
    const sink = sinkAt(prefix);
    const result = await harvest({ entryUrl: origin.urlOf(`${ASSET_PREFIX}index.m3u8`) }, sink);
    expect(result).toMatchObject({ status: "COMPLETE", objects: asset.size + 1, entry: "index.m3u8" });

    for (const [key, body] of asset) {
      const stored = await getObject(prefix, key);
      expect(stored.toString("latin1"), key).toBe(body.toString("latin1"));
    }
    const big = await getObject(prefix, "video/big/big.ts");
    expect(big.length).toBe(BIG);
    expect(sha256(big)).toBe(sha256(syntheticBytes(99, 0, BIG)));

    const record = JSON.parse((await getObject(prefix, COMPLETION_RECORD_KEY)).toString("utf8"));
    expect(record.files.find((file: { key: string }) => file.key === "video/big/big.ts")).toEqual({
      key: "video/big/big.ts",
      size: BIG,
      checksum: crc32cBase64(big),
    });
    const listed: string[] = [];
    for await (const object of sink.list()) listed.push(object.key);
    expect(listed.sort()).toEqual([...asset.keys(), "video/big/big.ts", COMPLETION_RECORD_KEY].sort());

    origin.resetLog();
    const second = await harvest({ entryUrl: origin.urlOf(`${ASSET_PREFIX}index.m3u8`) }, sink);
    expect(second.status).toBe("SKIPPED");
    expect(origin.requests).toHaveLength(0);
  }, 120_000);

  test("one object altered on its way to S3 every time: refused by S3, retried, then INCOMPLETE naming it; nothing under its key, no record", async () => {
    const key = "video/fmp4/seg2.m4s";
    const proxy = await startAlteringProxy(moto.endpoint, `/altered/${key}`);
    try {
      const client = createS3ClientFromEnv({
        env: { ...moto.env, AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_ENDPOINT_URL: proxy.endpoint },
        forcePathStyle: true,
      });
      const sink = createS3Sink({ client, bucket: BUCKET, prefix: "altered" });
      const retry = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 100 };
      const result = await harvest({ entryUrl: origin.urlOf(`${ASSET_PREFIX}index.m3u8`) }, sink, {
        client: createOriginClient({ retry }),
      });
      expect(result.status).toBe("INCOMPLETE");
      expect(result.failed).toEqual([
        expect.objectContaining({
          key,
          error: expect.stringMatching(/ChecksumMismatchError.*altered on the way/),
        }),
      ]);
      expect(proxy.altered()).toBe(3); // every attempt sent, altered, refused
      expect(await sink.head(key)).toBeUndefined();
      expect(await sink.head(COMPLETION_RECORD_KEY)).toBeUndefined();
      expect(await sink.head("video/fmp4/seg1.m4s")).toMatchObject({
        checksum: crc32cBase64(asset.get("video/fmp4/seg1.m4s") as Buffer),
      });
      client.destroy();
    } finally {
      await proxy.close();
    }
  }, 120_000);

  test("an S3 that stops answering (process paused) fails the run with a clear error instead of hanging", async () => {
    // Short timeouts and one attempt keep the test short; the defaults (5 s connect, 30 s idle) behave the same.
    const client = createS3ClientFromEnv({
      env: moto.env,
      forcePathStyle: true,
      timeouts: { connectMs: 500, requestMs: 500 },
      clientConfig: { maxAttempts: 1 },
    });
    const sink = createS3Sink({ client, bucket: BUCKET, prefix: "paused" });
    process.kill(moto.pid as number, "SIGSTOP");
    try {
      const error = await harvest({ entryUrl: origin.urlOf(`${ASSET_PREFIX}index.m3u8`) }, sink).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(`${error.name}: ${error.message}`).toMatch(
        /s3:\/\/harvest-engine-test\/paused\/.*(timed? ?out|TimeoutError|socket)/i,
      );
    } finally {
      process.kill(moto.pid as number, "SIGCONT");
    }
  }, 120_000);
});
