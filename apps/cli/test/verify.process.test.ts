// `vod-harvest verify`: a copy checked against its completion record. Damage is made with tools we did not write
// (the file system, the AWS CLI against moto) and must be named exactly: the one key, what is wrong with it.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { open, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createS3ClientFromEnv } from "@vod-harvest/s3-sink";
import { type MotoServer, skipWithoutMoto, startMoto } from "@vod-harvest/testing/moto";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { crc32cBase64 } from "@vod-harvest/vitest-config/crc32c";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hlsAssetFiles, makeTempDir, writeTree } from "./support/hls-asset.js";
import { linesOf, runCli } from "./support/run-cli.js";

const run = promisify(execFile);
const files = hlsAssetFiles();
const KEY = "v720/seg1.ts";

let origin: TestOrigin;
let work: string;
beforeAll(async () => {
  work = await makeTempDir("verify");
  await writeTree(join(work, "served"), files);
  origin = await startTestOrigin({ root: join(work, "served") });
});
afterAll(async () => {
  await origin?.close();
  await rm(work, { recursive: true, force: true });
});

async function flipByte(path: string): Promise<void> {
  const file = await open(path, "r+");
  const byte = Buffer.alloc(1);
  await file.read(byte, 0, 1, 1000);
  byte[0] = (byte[0] as number) ^ 0xff;
  await file.write(byte, 0, 1, 1000);
  await file.close();
}

const json = (stdout: string) => {
  const lines = linesOf(stdout);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string);
};

async function copyTo(destination: string, env: Record<string, string> = {}, extra: string[] = []) {
  const copy = await runCli(["copy", origin.urlOf("/asset/index.m3u8"), destination, "--json", ...extra], {
    env,
  });
  expect(copy.code, copy.stderr).toBe(0);
}

const totalBytes = [...files.values()].reduce((sum, body) => sum + body.length, 0);

describe("verify a directory copy (always read back)", () => {
  test("INTACT after the copy: exit 0, sizes and CRC32C checksums compared, every file read back", async () => {
    const destination = join(work, "intact");
    await copyTo(destination);
    const human = await runCli(["verify", destination]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(
      /^INTACT: 7 objects, \d+\.\d KiB in .*\/intact\/, sizes and CRC32C checksums \(7 read back\) as recorded\n$/,
    );
    const result = json((await runCli(["verify", destination, "--json"])).stdout);
    expect(result).toEqual({
      status: "INTACT",
      objects: 7,
      bytes: totalBytes,
      algorithm: "CRC32C",
      stated: 0,
      readBack: 7,
      problems: [],
    });
  });

  test("a copy recorded with sha256 (version 1, before CRC32C) still verifies, and still finds a flipped byte", async () => {
    const destination = join(work, "version-1");
    await copyTo(destination);
    const recordPath = join(destination, "_vod-harvest-complete.json");
    const record = JSON.parse(await readFile(recordPath, "utf8"));
    const files1 = await Promise.all(
      record.files.map(async ({ key, size }: { key: string; size: number }) => ({
        key,
        size,
        sha256: createHash("sha256")
          .update(await readFile(join(destination, ...key.split("/"))))
          .digest("hex"),
      })),
    );
    const { checksumAlgorithm: _, ...rest } = record;
    await writeFile(recordPath, JSON.stringify({ ...rest, version: 1, files: files1 }));
    const intact = await runCli(["verify", destination, "--json"]);
    expect(intact.code, intact.stderr).toBe(0);
    expect(json(intact.stdout)).toMatchObject({ status: "INTACT", algorithm: "SHA256", readBack: 7 });
    await flipByte(join(destination, ...KEY.split("/")));
    const damaged = await runCli(["verify", destination, "--json"]);
    expect(damaged.code).toBe(1);
    expect(json(damaged.stdout).problems).toEqual([
      expect.objectContaining({
        key: KEY,
        problem: "altered",
        detail: expect.stringMatching(/^SHA256 [0-9a-f]{64}, the record says/),
      }),
    ]);
  });

  test.each([
    { damage: "one byte flipped", apply: flipByte, problem: "altered" },
    { damage: "deleted", apply: (path: string) => rm(path), problem: "missing" },
    { damage: "truncated", apply: (path: string) => truncate(path, 100), problem: "resized" },
  ])("$damage: DAMAGED, exit 1, naming exactly that key ($problem)", async ({ damage, apply, problem }) => {
    const destination = join(work, `damaged-${damage.replace(/ /g, "-")}`);
    await copyTo(destination);
    await apply(join(destination, ...KEY.split("/")));
    const result = await runCli(["verify", destination, "--json"]);
    expect(result.code).toBe(1);
    const report = json(result.stdout);
    expect(report.status).toBe("DAMAGED");
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ key: KEY, problem });
    const human = await runCli(["verify", destination]);
    expect(human.code).toBe(1);
    expect(linesOf(human.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${problem.toUpperCase()} ${KEY}: `)),
      expect.stringMatching(
        new RegExp(
          `^DAMAGED: 1 of 7 objects in ${destination}/ differ from the record \\(sizes and CRC32C checksums \\([67] read back\\) compared\\)$`,
        ),
      ),
    ]);
  });

  test.each([
    ["no directory at all", "nowhere"],
    ["a directory without a record", "no-record"],
  ])("%s: exit 2, the reason, nothing on stdout", async (_name, name) => {
    const destination = join(work, name);
    if (name === "no-record")
      await writeTree(destination, new Map([["index.m3u8", Buffer.from("#EXTM3U\n")]]));
    const result = await runCli(["verify", destination]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`no completion record in ${destination}/`);
  });

  test("a record that is not one: exit 2", async () => {
    const destination = join(work, "bad-record");
    await copyTo(destination);
    await writeFile(join(destination, "_vod-harvest-complete.json"), "{not json");
    const result = await runCli(["verify", destination]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not JSON");
  });
});

describe.skipIf(skipWithoutMoto("verify on S3"))("verify an S3 copy (moto)", () => {
  let moto: MotoServer;
  const BUCKET = "verify-test";
  beforeAll(async () => {
    moto = await startMoto();
    const client = createS3ClientFromEnv({ env: moto.env, forcePathStyle: true });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  }, 120_000);
  afterAll(async () => {
    await moto?.stop();
  });

  test("INTACT without downloading: every CRC32C compared with the one S3 keeps (none read back)", async () => {
    const destination = `s3://${BUCKET}/asset-intact/hls`;
    await copyTo(destination, moto.env, ["--path-style"]);
    const intact = await runCli(["verify", destination, "--path-style", "--json"], { env: moto.env });
    expect(intact.code, intact.stderr).toBe(0);
    expect(json(intact.stdout)).toEqual({
      status: "INTACT",
      objects: 7,
      bytes: totalBytes,
      algorithm: "CRC32C",
      stated: 7,
      readBack: 0,
      problems: [],
    });
    const deep = await runCli(["verify", destination, "--path-style", "--deep", "--json"], { env: moto.env });
    expect(json(deep.stdout)).toMatchObject({ status: "INTACT", stated: 0, readBack: 7 });
  });

  test("one object replaced by the AWS CLI with other bytes of the same size: named, exit 1, with or without --deep", async () => {
    const destination = `s3://${BUCKET}/asset-1/hls`;
    await copyTo(destination, moto.env, ["--path-style"]);
    const replacement = join(work, "replacement.ts");
    await writeFile(replacement, Buffer.alloc((files.get(`asset/${KEY}`) as Buffer).length, 1));
    await run("aws", ["s3", "cp", replacement, `${destination}/${KEY}`, "--endpoint-url", moto.endpoint], {
      env: { ...process.env, ...moto.env, AWS_PAGER: "" },
    });
    // The AWS CLI stores no CRC32C (its own default checksum, or none): that one object is read back.
    for (const extra of [[], ["--deep"]]) {
      const result = await runCli(["verify", destination, "--path-style", "--json", ...extra], {
        env: moto.env,
      });
      expect(result.code).toBe(1);
      const report = json(result.stdout);
      expect(report.problems).toEqual([
        expect.objectContaining({ key: KEY, problem: "altered", detail: expect.stringMatching(/^CRC32C /) }),
      ]);
      expect(report).toMatchObject(
        extra.length === 0 ? { stated: 6, readBack: 1 } : { stated: 0, readBack: 7 },
      );
    }
  });

  test("one object replaced with other bytes that S3 keeps a true CRC32C for: found from S3's value alone", async () => {
    const destination = `s3://${BUCKET}/asset-2/hls`;
    await copyTo(destination, moto.env, ["--path-style"]);
    const client = createS3ClientFromEnv({ env: moto.env, forcePathStyle: true });
    const other = Buffer.alloc((files.get(`asset/${KEY}`) as Buffer).length, 2);
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `asset-2/hls/${KEY}`,
        Body: other,
        ChecksumAlgorithm: "CRC32C",
        ChecksumCRC32C: crc32cBase64(other),
      }),
    );
    client.destroy();
    const result = await runCli(["verify", destination, "--path-style", "--json"], { env: moto.env });
    expect(result.code).toBe(1);
    const report = json(result.stdout);
    expect(report).toMatchObject({ stated: 7, readBack: 0 });
    expect(report.problems).toEqual([
      {
        key: KEY,
        problem: "altered",
        detail: `the store keeps CRC32C ${crc32cBase64(other)}, the record says ${crc32cBase64(files.get(`asset/${KEY}`) as Buffer)}`,
      },
    ]);
  });
});
