import { rm } from "node:fs/promises";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hlsAssetFiles, makeTempDir, writeTree } from "./support/hls-asset.js";
import { hostileFiles } from "./support/hostile.js";
import { linesOf, runCli } from "./support/run-cli.js";

let origin: TestOrigin;
let foreign: TestOrigin;
let servedDir: string;

beforeAll(async () => {
  servedDir = await makeTempDir("plan-origin");
  await writeTree(servedDir, hlsAssetFiles());
  foreign = await startTestOrigin({ files: { "/other/seg.ts": Buffer.alloc(500, 9) } });
  origin = await startTestOrigin({ root: servedDir, files: hostileFiles(foreign.url) });
});

afterAll(async () => {
  await origin?.close();
  await foreign?.close();
  await rm(servedDir, { recursive: true, force: true });
});

describe("plan", () => {
  test("one JSON line per resource on stdout, in crawl order, and a one-line summary on stderr", async () => {
    const entry = origin.urlOf("/asset/index.m3u8");
    const run = await runCli(["plan", entry]);
    expect(run.code).toBe(0);
    const base = origin.urlOf("/asset/");
    // Worked out from the playlists: entry first, then the entry's children in document order, then each
    // child's segments; root is the common directory /asset/, keys are relative to it.
    expect(linesOf(run.stdout).map((line) => JSON.parse(line))).toEqual([
      { url: `${base}index.m3u8`, key: "index.m3u8", kind: "manifest" },
      { url: `${base}v360/prog.m3u8`, key: "v360/prog.m3u8", kind: "manifest" },
      { url: `${base}v720/prog.m3u8`, key: "v720/prog.m3u8", kind: "manifest" },
      { url: `${base}v360/seg0.ts`, key: "v360/seg0.ts", kind: "media" },
      { url: `${base}v360/seg1.ts`, key: "v360/seg1.ts", kind: "media" },
      { url: `${base}v720/seg0.ts`, key: "v720/seg0.ts", kind: "media" },
      { url: `${base}v720/seg1.ts`, key: "v720/seg1.ts", kind: "media" },
    ]);
    expect(run.stderr).toBe(`planned 7 resources (3 manifests) from ${entry}; root ${base}\n`);
    // Only manifests are fetched to plan.
    expect(origin.count("/asset/v360/seg0.ts")).toBe(0);
  });

  test("--allow-host admits another origin's resource, keyed under _external/<host>/", async () => {
    const run = await runCli([
      "plan",
      origin.urlOf("/bad/foreign/index.m3u8"),
      "--allow-host",
      foreign.url.slice(7, -1),
    ]);
    expect(run.code).toBe(0);
    const keys = linesOf(run.stdout).map((line) => JSON.parse(line).key);
    const foreignHost = new URL(foreign.url).host;
    expect(keys).toEqual(["index.m3u8", "seg0.ts", `_external/${foreignHost}/other/seg.ts`]);
  });

  test.each([
    ["another origin without --allow-host", "/bad/foreign/index.m3u8", /other\/seg\.ts/],
    ["a key escaping the root through ..%2F", "/bad/escape/index.m3u8", /escape\.ts/],
    ["an instance-metadata address in a playlist", "/bad/metadata/index.m3u8", /169\.254\.169\.254/],
    ["an XML entity bomb", "/bad/bomb/manifest.mpd", /DTD|entit/i],
  ])("refuses %s: exit 2, the offender named on stderr, nothing on stdout", async (_case, path, named) => {
    const run = await runCli(["plan", origin.urlOf(path)]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: /);
    expect(run.stderr).toMatch(named);
  });

  test("refuses an instance-metadata entry URL without connecting: exit 2", async () => {
    const run = await runCli(["plan", "http://169.254.169.254/latest/meta-data/index.m3u8"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^error: .*169\.254\.169\.254/);
  });

  test("an entry the origin does not have: exit 1 (the origin failed, the request was well formed)", async () => {
    const run = await runCli(["plan", origin.urlOf("/asset/missing.m3u8")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^error: .*missing\.m3u8.*404/);
  });

  test("credentials in the entry URL are printed nowhere: not in the plan, the summary or an error", async () => {
    const withCredentials = (path: string) =>
      origin.urlOf(path).replace("http://", "http://harvester:pw-s3cr3t@");
    const run = await runCli(["plan", withCredentials("/asset/index.m3u8")]);
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(0);
    expect(`${run.stdout}${run.stderr}`).not.toContain("pw-s3cr3t");
    expect(run.stdout).toContain('"url":"http://***@127.0.0.1');
    const missing = await runCli(["plan", withCredentials("/asset/missing.m3u8")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^error: http:\/\/\*\*\*@127\.0\.0\.1:\d+\/asset\/missing\.m3u8: HTTP 404/m,
    );
    expect(missing.stderr).not.toContain("pw-s3cr3t");
  });
});
