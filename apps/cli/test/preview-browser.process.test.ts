// `vod-harvest preview --check` in a real browser (Debian's Chromium, headless, through playwright-core): a real
// HLS asset made by ffmpeg, served by the test origin, copied by the command, then played from the copy with a
// rendition switch mid-play; a damaged copy (one segment gone) must fail, and a destination without a record too.
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDirectorySink } from "@vod-harvest/s3-sink";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findChromium } from "../src/preview/check.js";
import { startPreviewServer } from "../src/preview/server.js";
import { makeTempDir } from "./support/hls-asset.js";
import { makeRealHls } from "./support/real-hls.js";
import { linesOf, runCli } from "./support/run-cli.js";

/** Under the test's output directory (git-ignored): the page as the browser drew it. */
const OUTPUT_DIR = fileURLToPath(new URL("../.tmp/test-output/", import.meta.url));
const chromium = findChromium();
if (chromium === undefined) {
  const message =
    "*** SKIPPED: no Chromium (apt-get install -y chromium, or VOD_HARVEST_CHROMIUM): browser playback not tested ***";
  // Under CI a missing browser is a failure, not a skip: .ci/run installs it.
  if (process.env.CI) throw new Error(message);
  console.warn(`\n${message}\n`);
}

let work: string;
let origin: TestOrigin;
beforeAll(async () => {
  if (chromium === undefined) return;
  work = await makeTempDir("preview-browser");
  await makeRealHls(join(work, "served", "asset"));
  origin = await startTestOrigin({ root: join(work, "served") });
  await mkdir(OUTPUT_DIR, { recursive: true });
});
afterAll(async () => {
  await origin?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(chromium === undefined)("preview --check plays copies in Chromium", () => {
  test("a copy plays past 2 s with frames decoded, switching rendition mid-play; a screenshot is written", async () => {
    const destination = join(work, "copies", "asset-1", "hls");
    const copy = await runCli(["copy", origin.urlOf("/asset/index.m3u8"), destination, "--json"]);
    expect(copy.code, copy.stderr).toBe(0);
    const screenshot = join(OUTPUT_DIR, "preview-hls.png");
    await rm(screenshot, { force: true });
    const check = await runCli([
      "preview",
      join(work, "copies", "asset-1"),
      "--check",
      "--switch-rendition",
      "--screenshot",
      screenshot,
    ]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const lines = linesOf(check.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^hls PLAYED \d+\.\d\ds \(\d+ frames decoded, switched to \d+p \d+ kbit\/s; 2 renditions, \d+ audio, 0 subtitle tracks, 5 thumbnails\)$/,
    );
    const played = Number(/PLAYED (\S+)s/.exec(lines[0] as string)?.[1]);
    expect(played).toBeGreaterThanOrEqual(2); // past 2 s, printed to the hundredth
    expect((await stat(screenshot)).size).toBeGreaterThan(10_000);
    console.log(`preview screenshot: ${screenshot}\n${check.stdout}`);
  });

  test("a damaged copy (one segment gone): FAILED with the player's error, exit 1", async () => {
    const destination = join(work, "copies", "damaged");
    const copy = await runCli(["copy", origin.urlOf("/asset/index.m3u8"), destination, "--json"]);
    expect(copy.code, copy.stderr).toBe(0);
    // The rendition the player starts with loses its first segment.
    for (const rendition of ["v360", "v180"]) await rm(join(destination, rendition, "seg000.ts"));
    const check = await runCli(["preview", destination, "--check"]);
    expect(check.code, check.stdout + check.stderr).toBe(1);
    const lines = linesOf(check.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\. FAILED hls\.js networkError: fragLoadError .*seg000\.ts/);
  });

  test("no completion record: exit 1, the reason on stderr, nothing on stdout", async () => {
    const empty = join(work, "empty");
    await mkdir(empty, { recursive: true });
    const check = await runCli(["preview", empty, "--check"]);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe("");
    expect(check.stderr).toContain(`no completion record under ${empty}/`);
    expect(await readdir(empty)).toEqual([]);
  });

  test("the page over a destination without a record: the empty state says why", async () => {
    const empty = join(work, "empty-page");
    await mkdir(empty, { recursive: true });
    const server = await startPreviewServer(createDirectorySink(empty));
    const { chromium: browserType } = await import("playwright-core");
    const browser = await browserType.launch({ executablePath: chromium as string, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage();
      await page.goto(server.url);
      const text = await page.locator(".empty").textContent();
      expect(text).toContain(`No completion record under ${empty}/`);
      expect(text).toContain("INCOMPLETE");
      expect(await page.locator("section.copy").count()).toBe(0);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
