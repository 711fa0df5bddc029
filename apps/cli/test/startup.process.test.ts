// The built command loads the AWS SDK only when it needs it (an s3:// destination, `start`): `--help`, `plan` and a
// directory copy never read the SDK's code. Observed at run time: a module hook records every file the process
// loads, and the test reads those files.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hlsAssetFiles, makeTempDir, writeTree } from "./support/hls-asset.js";
import { BUILT_CLI, runProcess } from "./support/run-cli.js";

/** Appends the URL of every module the process loads to $LOADED_LOG. */
const RECORD_LOADS = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from "node:module";
import { appendFileSync } from "node:fs";
registerHooks({ load(url, context, next) { appendFileSync(process.env.LOADED_LOG, url + "\\n"); return next(url, context); } });
`)}`;

const SDK_MARKERS = [/\bS3Client\b/, /\bSFNClient\b/, /@smithy\//];

let origin: TestOrigin;
let work: string;
beforeAll(async () => {
  work = await makeTempDir("startup");
  await writeTree(join(work, "served"), hlsAssetFiles());
  origin = await startTestOrigin({ root: join(work, "served") });
});
afterAll(async () => {
  await origin?.close();
  await rm(work, { recursive: true, force: true });
});

/** Runs the built command with the hook; the files it loaded from dist/ that hold SDK code. */
async function sdkFilesLoaded(name: string, args: readonly string[], env: Record<string, string> = {}) {
  const log = join(work, `${name}.log`);
  const run = await runProcess(process.execPath, ["--import", RECORD_LOADS, BUILT_CLI, ...args], {
    cwd: work,
    env: {
      LOADED_LOG: log,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "x",
      AWS_SECRET_ACCESS_KEY: "y",
      ...env,
    },
  });
  const urls = (await readFile(log, "utf8")).split("\n").filter((url) => url.startsWith("file:"));
  const withSdk: string[] = [];
  for (const url of urls) {
    const text = await readFile(fileURLToPath(url), "utf8");
    if (SDK_MARKERS.some((marker) => marker.test(text))) withSdk.push(url);
  }
  return { run, loaded: urls, withSdk };
}

describe("start-up loads only what the command needs", () => {
  const entry = () => origin.urlOf("/asset/index.m3u8");

  test.each([
    ["help", () => ["--help"]],
    ["plan", () => ["plan", entry()]],
    ["directory copy", () => ["copy", entry(), join(work, "copy"), "--json"]],
  ])("%s: no AWS SDK code loaded", async (name, args) => {
    const { run, loaded, withSdk } = await sdkFilesLoaded(name.replace(/ /g, "-"), args());
    expect(run.code, run.stderr).toBe(0);
    expect(loaded.length).toBeGreaterThan(0);
    expect(withSdk).toEqual([]);
  });

  test("an s3:// destination does load it (the check above can see it)", async () => {
    // Port 9 (discard) refuses: the copy fails, but only after the S3 client was made.
    const { withSdk } = await sdkFilesLoaded(
      "s3-copy",
      ["copy", entry(), "s3://bucket/prefix", "--json", "--path-style"],
      { AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9" },
    );
    expect(withSdk.length).toBeGreaterThan(0);
  });
});
