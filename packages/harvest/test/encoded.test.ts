// Origins that send a Content-Encoding although asked for identity (a misconfigured CDN): every request asks for
// `identity`; what still arrives encoded is decoded before it is stored or parsed, checked against the encoded
// Content-Length, and cut when it decodes to far more than a real body could (a decompression bomb).
import { Readable } from "node:stream";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { createDirectorySink } from "@vod-harvest/s3-sink";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { contentEncodings, decodeBody, MAX_DECODED_RATIO } from "../src/decode.js";
import { createOriginClient } from "../src/http.js";
import { COMPLETION_RECORD_KEY, harvest, OriginEncodingError, TruncatedBodyError } from "../src/index.js";
import { ASSET_PREFIX, hlsAsset, originFiles, readTree, tempDir } from "./support.js";

const fastRetries = { baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 2_000 };

let origin: TestOrigin;
let dir: { path: string; remove: () => Promise<void> };
let asset: Map<string, Buffer>;
const entryUrl = () => origin.urlOf(`${ASSET_PREFIX}index.m3u8`);
const client = () => createOriginClient({ retry: fastRetries, bodyTimeoutMs: 5_000 });

beforeEach(async () => {
  asset = hlsAsset();
  origin = await startTestOrigin({ files: originFiles(asset) });
  dir = await tempDir();
});

afterEach(async () => {
  await origin.close();
  await dir.remove();
});

async function drain(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("harvest from an origin that encodes anyway", () => {
  test.each(["gzip", "x-gzip", "deflate", "br"])(
    "%s on every manifest and segment: COMPLETE, every stored file as decoded, identity asked each time",
    async (encoding) => {
      origin.addFault(/./, { kind: "encode", encoding });
      const c = client();
      const result = await harvest({ entryUrl: entryUrl() }, createDirectorySink(dir.path), { client: c });
      await c.close();
      expect(result).toMatchObject({ status: "COMPLETE", failed: [] });
      const tree = await readTree(dir.path);
      tree.delete(COMPLETION_RECORD_KEY);
      expect(tree).toEqual(new Map([...asset].map(([key, body]) => [key, body])));
      expect(origin.requests.length).toBeGreaterThan(0);
      expect(origin.requests.every((request) => request.headers["accept-encoding"] === "identity")).toBe(
        true,
      );
      expect(origin.requests.every((request) => request.fault === "encode")).toBe(true);
    },
  );

  test("an encoding nobody can decode fails that object, naming its URL and the encoding; no record", async () => {
    origin.addFault(/seg2\.m4s$/, { kind: "encode", encoding: "zstd-x" });
    const c = client();
    const result = await harvest({ entryUrl: entryUrl() }, createDirectorySink(dir.path), { client: c });
    await c.close();
    expect(result.status).toBe("INCOMPLETE");
    expect(result.failed).toEqual([
      {
        url: origin.urlOf(`${ASSET_PREFIX}video/fmp4/seg2.m4s`),
        key: "video/fmp4/seg2.m4s",
        error: expect.stringMatching(
          /^OriginEncodingError: .*seg2\.m4s: body sent with Content-Encoding zstd-x cannot be decoded/,
        ),
      },
    ]);
    // Not retried: the answer would be the same.
    expect(origin.count(`${ASSET_PREFIX}video/fmp4/seg2.m4s`)).toBe(1);
    const tree = await readTree(dir.path);
    expect(tree.has(COMPLETION_RECORD_KEY)).toBe(false);
    expect(tree.has("video/fmp4/seg2.m4s")).toBe(false);
  });
});

describe("decodeBody", () => {
  const url = "http://o.test/a/seg.ts";
  const plain = Buffer.from("segment bytes ".repeat(1000));

  test.each([
    [undefined, []],
    ["identity", []],
    ["GZIP", ["gzip"]],
    ["gzip, br", ["gzip", "br"]],
    [" deflate ,identity", ["deflate"]],
  ] as const)("contentEncodings(%j) = %j", (header, expected) => {
    expect(contentEncodings(header)).toEqual(expected);
  });

  test("two codings are undone last first", async () => {
    const twice = brotliCompressSync(gzipSync(plain));
    expect(await drain(decodeBody(url, Readable.from([twice]), ["gzip", "br"], twice.length))).toEqual(plain);
  });

  test("data that does not decode: OriginEncodingError naming the URL and the coding (retryable)", async () => {
    const error = await drain(decodeBody(url, Readable.from([plain]), ["gzip"], plain.length)).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(OriginEncodingError);
    expect(error).toMatchObject({ code: "CONTENT_ENCODING", retryable: true, encoding: "gzip" });
    expect(error.message).toMatch(
      /^http:\/\/o\.test\/a\/seg\.ts: body sent with Content-Encoding gzip does not decode/,
    );
  });

  test("fewer encoded bytes than Content-Length: TruncatedBodyError", async () => {
    const gz = gzipSync(plain);
    const error = await drain(decodeBody(url, Readable.from([gz]), ["gzip"], gz.length + 10)).catch((e) => e);
    expect(error).toBeInstanceOf(TruncatedBodyError);
    expect(error).toMatchObject({ expected: gz.length + 10, received: gz.length });
  });

  test(`a bomb (more than ${MAX_DECODED_RATIO}× its encoded size) is cut: not retryable`, async () => {
    const bomb = brotliCompressSync(Buffer.alloc(16 << 20)); // 16 MiB of zeros in a few bytes
    expect(bomb.length).toBeLessThan(1_000);
    let decoded = 0;
    const body = decodeBody(url, Readable.from([bomb]), ["br"], bomb.length);
    const error = await (async () => {
      for await (const chunk of body) decoded += (chunk as Buffer).length;
    })().catch((e) => e);
    expect(error).toBeInstanceOf(OriginEncodingError);
    expect(error).toMatchObject({ retryable: false });
    expect(error.message).toMatch(/decompression bomb/);
    expect(decoded).toBeLessThanOrEqual(bomb.length * MAX_DECODED_RATIO + (1 << 20));
  });
});
