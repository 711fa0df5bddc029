import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createS3ClientFromEnv } from "@vod-harvest/s3-sink";
import { type MotoServer, skipWithoutMoto, startMoto } from "@vod-harvest/testing/moto";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hlsAssetFiles, makeTempDir, writeTree } from "./support/hls-asset.js";
import { linesOf, runCli } from "./support/run-cli.js";

const BUCKET = "harvest-cli-test";
const PREFIX = "vod/asset-1/hls";
const files = hlsAssetFiles();

/**
 * The SDK's command classes, loaded from the s3-sink package (apps/cli does not depend on the SDK itself and
 * should not for one test); typed just as far as used here.
 */
interface S3Commands {
  CreateBucketCommand: new (input: { Bucket: string }) => object;
  GetObjectCommand: new (input: { Bucket: string; Key: string }) => object;
}
const sdk = createRequire(new URL("../../../packages/s3-sink/package.json", import.meta.url))(
  "@aws-sdk/client-s3",
) as S3Commands;

async function readObject(moto: MotoServer, key: string): Promise<Buffer> {
  const client = createS3ClientFromEnv({ env: moto.env, forcePathStyle: true });
  const output = (await client.send(new sdk.GetObjectCommand({ Bucket: BUCKET, Key: key }) as never)) as {
    Body: { transformToByteArray(): Promise<Uint8Array> };
  };
  return Buffer.from(await output.Body.transformToByteArray());
}

describe.skipIf(skipWithoutMoto("the CLI's copy to S3"))("copy to S3 (moto)", () => {
  let moto: MotoServer;
  let origin: TestOrigin;
  let servedDir: string;

  beforeAll(async () => {
    servedDir = await makeTempDir("s3-origin");
    await writeTree(servedDir, files);
    origin = await startTestOrigin({ root: servedDir });
    moto = await startMoto();
    const client = createS3ClientFromEnv({ env: moto.env, forcePathStyle: true });
    await client.send(new sdk.CreateBucketCommand({ Bucket: BUCKET }) as never);
  }, 120_000);

  afterAll(async () => {
    await origin?.close();
    await moto?.stop();
    await rm(servedDir, { recursive: true, force: true });
  });

  test("AWS_ENDPOINT_URL_S3 and dummy credentials: COMPLETE, byte-identical objects, then SKIPPED", async () => {
    const destination = `s3://${BUCKET}/${PREFIX}`;
    const args = ["copy", origin.urlOf("/asset/index.m3u8"), destination, "--path-style", "--json"];
    const run = await runCli(args, { env: moto.env });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(linesOf(run.stdout).at(-1) as string)).toMatchObject({
      status: "COMPLETE",
      objects: 7,
    });
    for (const [path, body] of files) {
      const key = `${PREFIX}/${path.slice("asset/".length)}`;
      expect((await readObject(moto, key)).equals(body), key).toBe(true);
    }
    expect(
      JSON.parse((await readObject(moto, `${PREFIX}/_vod-harvest-complete.json`)).toString()),
    ).toMatchObject({
      objects: 7,
      entry: "index.m3u8",
    });

    const again = await runCli(args, { env: moto.env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).status).toBe("SKIPPED");
  }, 120_000);

  test("a bucket that does not exist: exit 1, one clear line naming it", async () => {
    const run = await runCli(
      ["copy", origin.urlOf("/asset/index.m3u8"), "s3://no-such-bucket-here/x", "--path-style"],
      {
        env: moto.env,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*no-such-bucket-here/m);
  }, 120_000);
});

// With only AWS_DEFAULT_REGION the complaint moves from the region to the credentials: the variable is read.
describe("copy to S3 without region or credentials", () => {
  test.each([
    [
      {},
      /^error: no AWS region: set AWS_REGION \(or AWS_DEFAULT_REGION\), or `region` for your profile in ~\/\.aws\/config/m,
    ],
    [
      { AWS_DEFAULT_REGION: "eu-west-3" },
      /^error: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE/m,
    ],
  ])(
    "%j: exit 2, one line saying what to set, no request to the origin",
    async (extra, message) => {
      const origin = await startTestOrigin({ files: { "/a/index.m3u8": "#EXTM3U\n" } });
      const home = await makeTempDir("no-aws-home");
      try {
        const run = await runCli(["copy", origin.urlOf("/a/index.m3u8"), "s3://some-bucket/x"], {
          // An empty home (no ~/.aws) and no instance metadata: nothing to find a region or credentials in.
          env: { HOME: home, AWS_EC2_METADATA_DISABLED: "true", AWS_PROFILE: undefined, ...extra },
        });
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(message);
        expect(origin.requests).toEqual([]);
      } finally {
        await origin.close();
        await rm(home, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
