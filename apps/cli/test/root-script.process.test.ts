import { rm } from "node:fs/promises";
import { join } from "node:path";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hlsAssetFiles, listTree, makeTempDir, writeTree } from "./support/hls-asset.js";
import { linesOf, REPO_ROOT, runProcess } from "./support/run-cli.js";

/** `pnpm vod-harvest …` exactly as a user types it, from a directory outside the cli package. */
function runRootScript(args: readonly string[], userDir: string) {
  return runProcess("pnpm", ["--dir", REPO_ROOT, "--silent", "vod-harvest", ...args], { cwd: userDir });
}

let origin: TestOrigin;
let servedDir: string;
let userDir: string;

beforeAll(async () => {
  servedDir = await makeTempDir("root-origin");
  userDir = await makeTempDir("root-user");
  await writeTree(servedDir, hlsAssetFiles());
  origin = await startTestOrigin({ root: servedDir });
});

afterAll(async () => {
  await origin?.close();
  await rm(servedDir, { recursive: true, force: true });
  await rm(userDir, { recursive: true, force: true });
});

describe("pnpm vod-harvest (the root script)", () => {
  test("copy to a relative directory lands in the directory the user ran pnpm from", async () => {
    const run = await runRootScript(
      ["copy", origin.urlOf("/asset/index.m3u8"), "relative-out", "--json"],
      userDir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(linesOf(run.stdout).at(-1) as string)).toMatchObject({
      status: "COMPLETE",
      objects: 7,
    });
    expect(await listTree(join(userDir, "relative-out"))).toHaveLength(8);
  }, 120_000);

  test.each([
    [["plan"], 2],
    [["copy", "http://127.0.0.1:9/x.m3u8", "out", "--concurrency", "0"], 2],
  ])(
    "exit codes pass through pnpm: %j → %d",
    async (args, code) => {
      const run = await runRootScript(args, userDir);
      expect(run.code).toBe(code);
    },
    60_000,
  );
});
