import { rm } from "node:fs/promises";
import { join } from "node:path";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterAll, beforeAll, expect, test } from "vitest";
import { hlsAssetFiles, makeTempDir, writeTree } from "./support/hls-asset.js";
import { type CliRun, runCli } from "./support/run-cli.js";

/** A marker no output could contain by chance: if it shows up anywhere, a header value leaked. */
const SECRET = "Zq8-LEAK-MARKER-4f1c9e";
const HEADER = `X-MediaPackage-CDNIdentifier: ${SECRET}`;

let origin: TestOrigin;
let servedDir: string;
let workDir: string;

beforeAll(async () => {
  servedDir = await makeTempDir("secret-origin");
  workDir = await makeTempDir("secret-dest");
  await writeTree(servedDir, hlsAssetFiles());
  // As MediaPackage does: 404 without the right CDN identifier.
  origin = await startTestOrigin({
    root: servedDir,
    requireHeaders: { "X-MediaPackage-CDNIdentifier": SECRET },
  });
});

afterAll(async () => {
  await origin?.close();
  await rm(servedDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

test("a --header value never appears in any output: success, failure, usage error, --debug", async () => {
  const entry = origin.urlOf("/asset/index.m3u8");
  const runs: [string, CliRun, number][] = [];
  const record = async (
    label: string,
    args: string[],
    expectedCode: number,
    env?: Record<string, string>,
  ) => {
    runs.push([label, await runCli(args, env ? { env } : {}), expectedCode]);
  };
  await record("plan --debug", ["plan", entry, "-H", HEADER, "--debug"], 0);
  await record(
    "copy --json --debug",
    ["copy", entry, join(workDir, "a"), "--header", HEADER, "--json", "--debug"],
    0,
  );
  await record("copy, human summary, DEBUG=1", ["copy", entry, join(workDir, "b"), `--header=${HEADER}`], 0, {
    DEBUG: "1",
  });
  // The origin answers 404 to a wrong value: the error names the URL, not the header.
  await record(
    "wrong value",
    ["plan", entry, "-H", `X-MediaPackage-CDNIdentifier: x${SECRET}`, "--debug"],
    1,
  );
  // A usage error in another option while the secret is on the command line.
  await record(
    "bad --concurrency",
    ["copy", entry, "out", "-H", HEADER, "--concurrency", "zero", "--debug"],
    2,
  );
  // The secret typed without its name, or with a bad name: the argument is not echoed.
  await record("no colon", ["plan", entry, "--header", SECRET, "--debug"], 2);
  await record("bad name", ["plan", entry, "--header", `Bad Name: ${SECRET}`, "--debug"], 2);
  await record("twice", ["plan", entry, "-H", HEADER, "-H", HEADER, "--debug"], 2);
  await record("unknown option", ["plan", entry, "-H", HEADER, "--bogus", SECRET], 2);

  for (const [label, run, expectedCode] of runs) {
    expect(run.code, `${label}: ${run.stderr}`).toBe(expectedCode);
    expect(run.stdout, label).not.toContain(SECRET);
    expect(run.stderr, label).not.toContain(SECRET);
  }
  // The tests above can fail: the header was really sent (the origin requires it) and debug output shows its name.
  const debugRun = runs[1]?.[1] as CliRun;
  expect(JSON.parse(debugRun.stdout).status).toBe("COMPLETE");
  expect(debugRun.stderr).toContain("X-MediaPackage-CDNIdentifier: ***");
});
