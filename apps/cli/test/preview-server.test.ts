// The preview's pieces without a browser: keys it will serve, the catalogue of copies in a
// directory, and the server answering curl (a client we did not write) as HTTP says it should.
import { execFile, type spawn } from "node:child_process";
import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { createDirectorySink } from "@vod-harvest/s3-sink";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadCatalog } from "../src/preview/catalog.js";
import { type PreviewServer, startPreviewServer } from "../src/preview/server.js";
import { makeTempDir } from "./support/hls-asset.js";
import { runCli } from "./support/run-cli.js";

const run = promisify(execFile);
const RECORD = "_vod-harvest-complete.json";

function record(entry: string, objects = 2, bytes = 30) {
  return JSON.stringify({
    format: "vod-harvest-completion",
    version: 1,
    entry,
    source: `http://origin.example/${entry}`,
    completedAt: "2026-12-04T10:00:00.000Z",
    objects,
    bytes,
    files: [],
  });
}

let root: string;
beforeAll(async () => {
  root = await makeTempDir("preview");
  const files: Record<string, string> = {
    [`asset-1/hls/${RECORD}`]: record("deep/index.m3u8"),
    "asset-1/hls/deep/index.m3u8": "#EXTM3U\n#EXT-X-ENDLIST\n",
    [`asset-1/dash/${RECORD}`]: record("index.mpd"),
    "asset-1/dash/index.mpd": '<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"/>',
    [`asset-1/mss/${RECORD}`]: record("Manifest"),
    "asset-1/mss/Manifest": "\ufeff<SmoothStreamingMedia MajorVersion='2'/>",
    [`asset-1/gone/${RECORD}`]: record("index.m3u8"),
    [`asset-1/broken/${RECORD}`]: "{not json",
    "asset-1/incomplete/index.m3u8": "#EXTM3U\n",
    "asset-1/hls/deep/seg.ts": "0123456789abcdefghij",
    "asset-1/hls/deep/a b.ts": "space",
  };
  for (const [key, body] of Object.entries(files)) {
    await mkdir(join(root, ...key.split("/").slice(0, -1)), { recursive: true });
    await writeFile(join(root, ...key.split("/")), body);
  }
  // Outside the served root: a secret that a symbolic link inside it points at, as a file and through a directory.
  await mkdir(join(root, "elsewhere"));
  await writeFile(join(root, "elsewhere", "secret.txt"), "not to be served");
  await symlink(join(root, "elsewhere", "secret.txt"), join(root, "asset-1", "hls", "deep", "link.ts"));
  await symlink(join(root, "elsewhere"), join(root, "asset-1", "outside"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("loadCatalog over a directory", () => {
  test("every copy with a record, its player, and the records that cannot be used", async () => {
    const catalog = await loadCatalog(createDirectorySink(join(root, "asset-1")));
    expect(catalog.copies.map(({ id, entry, format }) => ({ id, entry, format }))).toEqual([
      { id: "dash", entry: "dash/index.mpd", format: "dash" },
      { id: "hls", entry: "hls/deep/index.m3u8", format: "hls" },
      { id: "mss", entry: "mss/Manifest", format: "mss" },
    ]);
    expect(catalog.copies[1]).toMatchObject({
      objects: 2,
      bytes: 30,
      completedAt: "2026-12-04T10:00:00.000Z",
    });
    expect(catalog.problems).toEqual([
      { id: "broken", problem: `${RECORD} is not JSON` },
      { id: "gone", problem: "the entry manifest index.m3u8 is missing" },
    ]);
  });

  test("a copy that is itself the root has the id ''", async () => {
    const catalog = await loadCatalog(createDirectorySink(join(root, "asset-1", "dash")));
    expect(catalog.copies.map(({ id, entry }) => ({ id, entry }))).toEqual([{ id: "", entry: "index.mpd" }]);
  });

  test("no record at all: no copies, no problems (the page says why it is empty)", async () => {
    const catalog = await loadCatalog(createDirectorySink(join(root, "asset-1", "incomplete")));
    expect(catalog).toMatchObject({ copies: [], problems: [] });
  });
});

describe("the preview server, asked by curl", () => {
  let server: PreviewServer;
  beforeAll(async () => {
    server = await startPreviewServer(createDirectorySink(join(root, "asset-1")));
  });
  afterAll(async () => {
    await server.close();
  });

  const curl = async (...args: string[]) => {
    const { stdout } = await run("curl", ["-s", "-D", "-", "--path-as-is", ...args]);
    const [head = "", body = ""] = stdout.split("\r\n\r\n");
    return { status: Number(head.split(" ")[1]), head: head.toLowerCase(), body };
  };

  test("listens on 127.0.0.1 only", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test("a whole file, with its content type and Accept-Ranges", async () => {
    const response = await curl(`${server.url}copies/hls/deep/seg.ts`);
    expect(response.status).toBe(200);
    expect(response.body).toBe("0123456789abcdefghij");
    expect(response.head).toContain("content-type: video/mp2t");
    expect(response.head).toContain("accept-ranges: bytes");
  });

  test.each([
    ["0-9", "0123456789", "bytes 0-9/20"],
    ["15-", "fghij", "bytes 15-19/20"],
    ["-3", "hij", "bytes 17-19/20"],
  ])("range %s → 206 %s", async (range, body, contentRange) => {
    const response = await curl("-r", range, `${server.url}copies/hls/deep/seg.ts`);
    expect(response.status).toBe(206);
    expect(response.body).toBe(body);
    expect(response.head).toContain(`content-range: ${contentRange}`);
  });

  test("a range past the end → 416", async () => {
    expect((await curl("-r", "50-60", `${server.url}copies/hls/deep/seg.ts`)).status).toBe(416);
  });

  test("a percent-encoded name is decoded", async () => {
    expect((await curl(`${server.url}copies/hls/deep/a%20b.ts`)).body).toBe("space");
  });

  test.each([
    ["missing", "copies/hls/deep/nope.ts", 404],
    ["dot-dot, as sent", "copies/../../../../etc/passwd", 404],
    ["encoded dot-dot", "copies/hls/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 404],
    ["bad encoding", "copies/%E0%A4%A", 400],
    // Keys the sinks' rule refuses, and paths through symbolic links (made in beforeAll).
    ["an empty segment", "copies/hls//deep/seg.ts", 404],
    ["an encoded backslash", "copies/hls%5Cdeep/seg.ts", 404],
    ["an encoded NUL", "copies/hls/deep/seg.ts%00", 404],
    ["a file that is a symbolic link", "copies/hls/deep/link.ts", 404],
    ["a directory linked outside the root", "copies/outside/secret.txt", 404],
  ])("%s → %i", async (_name, path, status) => {
    expect((await curl(`${server.url}${path}`)).status).toBe(status);
  });

  test("the catalogue as JSON, and the page", async () => {
    const catalog = JSON.parse((await curl(`${server.url}api/catalog`)).body);
    expect(catalog.copies).toHaveLength(3);
    const page = await curl(server.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/page.js">');
  });

  test("methods other than GET and HEAD → 405", async () => {
    expect((await curl("-X", "PUT", `${server.url}copies/hls/deep/seg.ts`)).status).toBe(405);
    expect((await curl("-I", `${server.url}copies/hls/deep/seg.ts`)).head).toContain("content-length: 20");
  });
});

describe("vod-harvest preview, as a process", () => {
  test("prints the page's URL on stdout, serves until Ctrl-C, then exits 130", async () => {
    let url = "";
    let child: ReturnType<typeof spawn> | undefined;
    const run = runCli(["preview", join(root, "asset-1")], {
      onSpawn: (spawned) => {
        child = spawned;
        spawned.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
          url += chunk;
          if (url.endsWith("\n")) spawned.kill("SIGINT");
        });
      },
    });
    const result = await run;
    expect(child).toBeDefined();
    expect(result.code).toBe(130);
    expect(result.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\n$/);
    expect(result.stderr).toContain("3 harvested configuration(s) under");
    // The two unusable records are named, not hidden.
    expect(result.stderr).toContain(`broken: ${RECORD} is not JSON`);
  });

  test.each([
    [["preview"], "missing required argument 'destination'"],
    [["preview", "dir", "--port", "70000"], "--port"],
    [["preview", "s3://"], "s3://"],
  ])("%j exits 2: %s", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
  });
});
