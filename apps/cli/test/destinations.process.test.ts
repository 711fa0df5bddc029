// Destinations that cannot hold a copy fail fast with exit 2 and the path named, before anything is fetched;
// an entry the origin does not have leaves nothing behind.
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hlsAssetFiles } from "./support/hls-asset.js";
import { runCli } from "./support/run-cli.js";

let origin: TestOrigin;
let work: string;

beforeAll(async () => {
  origin = await startTestOrigin({
    files: new Map([...hlsAssetFiles()].map(([path, body]) => [`/${path}`, body])),
  });
  work = await mkdtemp(join(tmpdir(), "vod-harvest-destinations-"));
  await writeFile(join(work, "a-file"), "not a directory");
});

afterAll(async () => {
  await origin?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("copy to a destination that cannot hold files", () => {
  test.each([
    ["/proc/nope", /\/proc\/nope: \/proc is on the kernel's proc file system/],
    ["/sys/nope/x", /\/sys\/nope\/x: \/sys is on the kernel's sysfs file system/],
    ["<work>/a-file", /a-file is not a directory/],
    ["<work>/a-file/below", /a-file\/below: a file stands on its path/],
  ])("%s: exit 2, the path and the reason, no origin request", async (given, message) => {
    const destination = given.replace("<work>", work);
    origin.resetLog();
    const run = await runCli(["copy", origin.urlOf("/asset/index.m3u8"), destination, "--json"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/INVALID_DESTINATION/);
    expect(origin.requests).toEqual([]);
  });

  test("an entry the origin does not have: exit 1, and no directory left behind", async () => {
    const destination = join(work, "never-created", "copy");
    const run = await runCli(["copy", origin.urlOf("/asset/missing.m3u8"), destination, "--json"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/missing\.m3u8: HTTP 404/);
    await expect(stat(join(work, "never-created"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
