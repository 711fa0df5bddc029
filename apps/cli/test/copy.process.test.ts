import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { crc32cBase64 } from "@vod-harvest/vitest-config/crc32c";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hlsAssetFiles, listTree, makeTempDir, writeTree } from "./support/hls-asset.js";
import { hostileFiles } from "./support/hostile.js";
import { linesOf, runCli } from "./support/run-cli.js";

const RECORD = "_vod-harvest-complete.json";
const files = hlsAssetFiles();
const assetKeys = [...files.keys()].map((path) => path.slice("asset/".length)).sort();
const assetBytes = [...files.values()].reduce((sum, body) => sum + body.length, 0);

let origin: TestOrigin;
let foreign: TestOrigin;
let servedDir: string;
let workDir: string;

beforeAll(async () => {
  servedDir = await makeTempDir("copy-origin");
  workDir = await makeTempDir("copy-dest");
  await writeTree(servedDir, files);
  foreign = await startTestOrigin({ files: { "/other/seg.ts": Buffer.alloc(500, 9) } });
  origin = await startTestOrigin({ root: servedDir, files: hostileFiles(foreign.url) });
});

afterAll(async () => {
  await origin?.close();
  await foreign?.close();
  await rm(servedDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

async function expectIdenticalCopy(destination: string) {
  expect(await listTree(destination)).toEqual([...assetKeys, RECORD].sort());
  for (const key of assetKeys) {
    expect(await readFile(join(destination, key)), key).toEqual(files.get(`asset/${key}`));
  }
}

function jsonResult(stdout: string) {
  const lines = linesOf(stdout);
  expect(lines).toHaveLength(1); // nothing else on stdout with --json
  return JSON.parse(lines[0] as string);
}

describe("copy to a directory", () => {
  const entry = () => origin.urlOf("/asset/index.m3u8");

  test("--json: COMPLETE with byte-identical files; again: SKIPPED without fetching; --overwrite copies again", async () => {
    const destination = join(workDir, "complete");
    const first = await runCli(["copy", entry(), destination, "--json", "--concurrency", "4"]);
    expect(first.code).toBe(0);
    expect(jsonResult(first.stdout)).toEqual({
      status: "COMPLETE",
      objects: 7,
      bytes: assetBytes,
      entry: "index.m3u8",
      failed: [],
    });
    await expectIdenticalCopy(destination);
    // Not a TTY: plain lines, not one per object.
    expect(linesOf(first.stderr).length).toBeLessThan(7);

    origin.resetLog();
    const second = await runCli(["copy", entry(), destination, "--json"]);
    expect(second.code).toBe(0);
    expect(jsonResult(second.stdout)).toMatchObject({ status: "SKIPPED", failed: [] });
    expect(origin.requests).toHaveLength(0);

    const overwritten = await runCli(["copy", entry(), destination, "--json", "--overwrite"]);
    expect(overwritten.code).toBe(0);
    expect(jsonResult(overwritten.stdout)).toMatchObject({
      status: "COMPLETE",
      objects: 7,
      bytes: assetBytes,
    });
    expect(origin.count("/asset/v720/seg1.ts")).toBeGreaterThanOrEqual(1);
    await expectIdenticalCopy(destination);
  });

  test.each(["flush", "put"])("--sync %s: a durable copy, byte-identical", async (mode) => {
    const destination = join(workDir, `sync-${mode}`);
    const run = await runCli(["copy", entry(), destination, "--json", "--sync", mode]);
    expect(run.code, run.stderr).toBe(0);
    expect(jsonResult(run.stdout)).toMatchObject({ status: "COMPLETE", objects: 7, bytes: assetBytes });
    await expectIdenticalCopy(destination);
  });

  test("SKIPPED reports the totals and entry of the completion record", async () => {
    const destination = join(workDir, "skipped-totals");
    expect((await runCli(["copy", entry(), destination, "--json"])).code).toBe(0);
    const again = await runCli(["copy", entry(), destination, "--json"]);
    expect(jsonResult(again.stdout)).toEqual({
      status: "SKIPPED",
      objects: 7,
      bytes: assetBytes,
      entry: "index.m3u8",
      failed: [],
    });
  });

  test("without --json: a human summary on stdout", async () => {
    const destination = join(workDir, "human");
    const run = await runCli(["copy", entry(), destination]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`COMPLETE: 7 objects, 92.2 KiB in ${destination}/ (entry index.m3u8)\n`);
    expect(run.stderr).toContain("planned 7 objects (3 manifests)");
  });

  test("a permanent 404: INCOMPLETE naming the URL, exit 1, no completion record, no entry manifest", async () => {
    const destination = join(workDir, "incomplete");
    const fault = origin.addFault("/asset/v720/seg1.ts", { kind: "status", status: 404 });
    try {
      const run = await runCli(["copy", entry(), destination, "--json"]);
      expect(run.code).toBe(1);
      const result = jsonResult(run.stdout);
      // 7 files: the one that failed and the entry (stored only once all others are) are missing.
      expect(result).toMatchObject({ status: "INCOMPLETE", objects: 5, entry: "index.m3u8" });
      expect(result.failed).toHaveLength(1);
      expect(result.failed[0]).toMatchObject({
        url: origin.urlOf("/asset/v720/seg1.ts"),
        key: "v720/seg1.ts",
      });
      expect(result.failed[0].error).toContain("404");
      expect(await listTree(destination)).not.toContain(RECORD);
      expect(await listTree(destination)).not.toContain("index.m3u8");

      const human = await runCli(["copy", entry(), destination]);
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(/^INCOMPLETE: 5 objects/);
      expect(human.stdout).toContain(`v720/seg1.ts (${origin.urlOf("/asset/v720/seg1.ts")})`);
    } finally {
      fault.remove();
    }
  });

  test("resume keeps only what an earlier run wrote: its journal lives outside the destination and goes once COMPLETE", async () => {
    const destination = join(workDir, "resume-journal");
    const stateDir = await makeTempDir("state");
    const env = { VOD_HARVEST_STATE_DIR: stateDir };
    const journals = async () => (await listTree(stateDir)).filter((name) => name.endsWith(".jsonl"));
    const fault = origin.addFault("/asset/v720/seg1.ts", { kind: "status", status: 404 });
    try {
      const first = await runCli(["copy", entry(), destination, "--json"], { env });
      expect(jsonResult(first.stdout)).toMatchObject({ status: "INCOMPLETE", objects: 5 });
      expect(await journals()).toHaveLength(1);
    } finally {
      fault.remove();
    }
    // The file the first run could not write appears, of the right size but other bytes (another tool, another
    // asset): present, but not journaled.
    const key = "v720/seg1.ts";
    const truth = files.get(`asset/${key}`) as Buffer;
    await writeFile(join(destination, key), Buffer.alloc(truth.length, 7));
    origin.resetLog();
    const second = await runCli(["copy", entry(), destination, "--json"], { env });
    expect(jsonResult(second.stdout)).toMatchObject({ status: "COMPLETE", objects: 7 });
    // Journaled files are kept without asking the origin; the one this job never wrote is fetched.
    const fetched = origin.requests.map((request) => request.path).filter((path) => path.endsWith(".ts"));
    expect(fetched).toEqual([`/asset/${key}`]);
    await expectIdenticalCopy(destination);
    const record = JSON.parse(await readFile(join(destination, RECORD), "utf8"));
    const recorded = record.files.find((file: { key: string }) => file.key === key);
    expect(recorded.checksum).toBe(crc32cBase64(truth));
    expect(await journals()).toEqual([]);
    await rm(stateDir, { recursive: true, force: true });
  });

  test.each([
    ["another origin without --allow-host", "/bad/foreign/index.m3u8"],
    ["a key escaping the root through ..%2F", "/bad/escape/index.m3u8"],
    ["an instance-metadata address in a playlist", "/bad/metadata/index.m3u8"],
    ["an XML entity bomb", "/bad/bomb/manifest.mpd"],
  ])("refuses %s: exit 2, nothing on stdout, nothing written", async (label, path) => {
    const destination = join(workDir, `refused-${label.replace(/\W+/g, "-")}`);
    const run = await runCli(["copy", origin.urlOf(path), destination, "--json"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^error: /m);
    expect(await listTree(destination)).toEqual([]);
  });

  test("refuses an instance-metadata entry URL: exit 2, nothing written", async () => {
    const destination = join(workDir, "refused-metadata-entry");
    const run = await runCli(["copy", "http://169.254.169.254/latest/index.m3u8", destination]);
    expect(run.code).toBe(2);
    expect(await listTree(destination)).toEqual([]);
  });

  test("--allow-host copies the other origin's file under _external/<host>/", async () => {
    const destination = join(workDir, "allowed");
    const host = new URL(foreign.url).host;
    const run = await runCli([
      "copy",
      origin.urlOf("/bad/foreign/index.m3u8"),
      destination,
      "--allow-host",
      host,
      "--json",
    ]);
    expect(run.code).toBe(0);
    expect(jsonResult(run.stdout)).toMatchObject({ status: "COMPLETE", objects: 3 });
    expect(await readFile(join(destination, "_external", host, "other/seg.ts"))).toEqual(
      Buffer.alloc(500, 9),
    );
  });

  test("a relative destination is resolved against the directory pnpm was run from (INIT_CWD), not apps/cli", async () => {
    const userDir = join(workDir, "user-cwd");
    const run = await runCli(["copy", entry(), "rel/out", "--json"], {
      env: { npm_lifecycle_event: "vod-harvest", INIT_CWD: userDir },
    });
    expect(run.code).toBe(0);
    await expectIdenticalCopy(join(userDir, "rel/out"));
  });
});
