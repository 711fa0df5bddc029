import { rm } from "node:fs/promises";
import { join } from "node:path";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterAll, beforeAll, expect, test } from "vitest";
import { hlsAssetFiles, listTree, makeTempDir, writeTree } from "./support/hls-asset.js";
import { linesOf, runCli } from "./support/run-cli.js";

let origin: TestOrigin;
let servedDir: string;
let workDir: string;

beforeAll(async () => {
  servedDir = await makeTempDir("interrupt-origin");
  workDir = await makeTempDir("interrupt-dest");
  await writeTree(servedDir, hlsAssetFiles());
  origin = await startTestOrigin({ root: servedDir });
});

afterAll(async () => {
  await origin?.close();
  await rm(servedDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

test("Ctrl-C: the engine stops cleanly, the partial result is printed, exit 130; a second run completes", async () => {
  const destination = join(workDir, "interrupted");
  const entry = origin.urlOf("/asset/index.m3u8");
  // Segments trickle at 2 KiB/s: the copy is still running when SIGINT arrives.
  const slow = origin.addFault(/\.ts$/, { kind: "slow", bytesPerSecond: 2048 });
  let interrupted: Awaited<ReturnType<typeof runCli>>;
  try {
    interrupted = await runCli(["copy", entry, destination, "--json", "--concurrency", "2"], {
      onSpawn: (child) => {
        // Once a segment is being served, the engine is copying.
        const poll = setInterval(() => {
          if (origin.requests.some((request) => request.path.endsWith(".ts") && request.bytesSent > 0)) {
            clearInterval(poll);
            child.kill("SIGINT");
          }
        }, 50);
        child.on("close", () => clearInterval(poll));
      },
    });
  } finally {
    slow.remove();
  }
  expect(interrupted.code).toBe(130);
  const lines = linesOf(interrupted.stdout);
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0] as string)).toMatchObject({ status: "INCOMPLETE" });
  expect(interrupted.stderr).toContain("SIGINT: stopping");
  expect(await listTree(destination)).not.toContain("_vod-harvest-complete.json");
  // Nothing half written under a final name: every file present is complete.
  const resumed = await runCli(["copy", entry, destination, "--json"]);
  expect(resumed.code).toBe(0);
  expect(JSON.parse(resumed.stdout)).toMatchObject({ status: "COMPLETE", objects: 7 });
});
