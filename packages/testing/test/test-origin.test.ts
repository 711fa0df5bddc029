import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  type Fault,
  type ProbeOptions,
  probe,
  startTestOrigin,
  syntheticBytes,
  syntheticFile,
  type TestOrigin,
  TestOriginError,
} from "../src/test-origin/index.js";

/** data.bin: 1000 bytes, byte i = i % 251, so any slice is known without reading the file back. */
const DATA = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const PLAYLIST = "#EXTM3U\n#EXT-X-ENDLIST\n";
const SECRET = "TOP SECRET outside the root";

let base: string;
let origin: TestOrigin;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "test-origin-"));
  await mkdir(join(base, "root", "vod"), { recursive: true });
  await writeFile(join(base, "secret.txt"), SECRET);
  await writeFile(join(base, "root", "vod", "index.m3u8"), PLAYLIST);
  await writeFile(join(base, "root", "vod", "seg 1.ts"), Buffer.alloc(376, 0x47));
  await writeFile(join(base, "root", "vod", "data.bin"), DATA);
  await symlink(join(base, "secret.txt"), join(base, "root", "vod", "escape.txt"));
  origin = await startTestOrigin({
    root: join(base, "root"),
    files: { "/mem/hello.txt": "hello world", "mem/slow.bin": Buffer.alloc(8000, 7) },
    redirects: {
      "/old.m3u8": "/vod/index.m3u8",
      "/moved": { location: "http://elsewhere.test/x", status: 301 },
    },
  });
});

afterAll(async () => {
  await origin.close();
  await rm(base, { recursive: true, force: true });
});

afterEach(() => {
  origin.clearFaults();
  origin.resetLog();
});

const get = (path: string, options: ProbeOptions = {}) => probe(origin.urlOf(path), options);

describe("files", () => {
  test.each([
    ["/vod/index.m3u8", "application/vnd.apple.mpegurl", Buffer.from(PLAYLIST)],
    ["/vod/seg%201.ts", "video/mp2t", Buffer.alloc(376, 0x47)],
    ["/vod/data.bin?token=abc", "application/octet-stream", DATA],
    ["/mem/hello.txt", "text/plain; charset=utf-8", Buffer.from("hello world")],
  ])("GET %s → 200, %s, exact body and Content-Length", async (path, type, body) => {
    const seen = await get(path);
    expect(seen).toMatchObject({ status: 200, error: undefined, body });
    expect(seen.headers).toMatchObject({ "content-type": type, "content-length": String(body.length) });
    expect(seen.headers.etag).toMatch(/^".+"$/);
    expect(Date.parse(seen.headers["last-modified"] ?? "")).not.toBeNaN();
  });

  test.each(["/vod/missing.ts", "/vod/", "/vod", "/", "/vod/escape.txt"])("GET %s → 404", async (path) => {
    const seen = await get(path);
    expect(seen.status).toBe(404);
    expect(seen.body.toString()).not.toContain("SECRET");
  });

  test.each([
    "/../secret.txt",
    "/vod/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/vod/%2E%2E/%2e%2e/secret.txt",
    "/vod%2F..%2F..%2Fsecret.txt",
    "/..%2fsecret.txt",
    "/%5c..%5csecret.txt",
    "/vod/./data.bin",
    "/vod/data.bin%00",
    "/vod/%E0%A4%A",
    "http://127.0.0.1/secret.txt",
  ])("traversal or malformed target %s → 400", async (target) => {
    const seen = await get("/", { target });
    expect(seen.status).toBe(400);
    expect(seen.body.toString()).not.toContain("SECRET");
  });

  test.each([
    ["/old.m3u8", 302, "/vod/index.m3u8"],
    ["/moved", 301, "http://elsewhere.test/x"],
  ])("redirect %s → %i to %s", async (path, status, location) => {
    const seen = await get(path);
    expect(seen).toMatchObject({ status, headers: { location, "content-length": String(seen.body.length) } });
  });

  test("files added and deleted at run time; other methods refused", async () => {
    origin.setFile("/later.vtt", "WEBVTT\n");
    expect(await get("/later.vtt")).toMatchObject({ status: 200, headers: { "content-type": "text/vtt" } });
    origin.deleteFile("/later.vtt");
    expect((await get("/later.vtt")).status).toBe(404);
    expect(await get("/vod/data.bin", { method: "POST" })).toMatchObject({
      status: 405,
      headers: { allow: "GET, HEAD" },
    });
  });
});

describe("ranges and HEAD", () => {
  // Expected spans worked out by hand from RFC 9110 §14.1.2 for a 1000-byte file (last byte 999).
  test.each([
    ["bytes=0-99", 0, 99],
    ["bytes=990-", 990, 999],
    ["bytes=-10", 990, 999],
    ["bytes=995-5000", 995, 999],
    ["bytes=-5000", 0, 999],
    ["bytes=999-999", 999, 999],
  ])("%s → 206 bytes %i-%i/1000", async (range, first, last) => {
    const seen = await get("/vod/data.bin", { headers: { range } });
    expect(seen.status).toBe(206);
    expect(seen.headers["content-range"]).toBe(`bytes ${first}-${last}/1000`);
    expect(seen.headers["content-length"]).toBe(String(last - first + 1));
    expect(seen.body).toEqual(DATA.subarray(first, last + 1));
  });

  test.each(["bytes=1000-", "bytes=5000-6000", "bytes=-0"])("%s → 416 with bytes */1000", async (range) => {
    const seen = await get("/vod/data.bin", { headers: { range } });
    expect(seen).toMatchObject({ status: 416, headers: { "content-range": "bytes */1000" } });
  });

  test.each(["bytes=5-2", "bytes=0-1,5-6", "items=0-1", "bytes=abc"])(
    "%s is ignored → 200 full",
    async (range) => {
      expect(await get("/vod/data.bin", { headers: { range } })).toMatchObject({ status: 200, body: DATA });
    },
  );

  test.each([
    [{}, 200, "1000"],
    [{ range: "bytes=-10" }, 206, "10"],
  ])("HEAD %j → %i, Content-Length %s, no body", async (headers, status, length) => {
    const seen = await get("/vod/data.bin", { method: "HEAD", headers });
    expect(seen).toMatchObject({ status, error: undefined, headers: { "content-length": length } });
    expect(seen.body.length).toBe(0);
  });

  test("keep-alive: sequential requests share one connection", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (const path of ["/vod/data.bin", "/vod/index.m3u8", "/mem/hello.txt"]) {
      expect((await get(path, { agent })).status).toBe(200);
    }
    agent.destroy();
    expect(new Set(origin.requests.map((record) => record.connection)).size).toBe(1);
  });
});

describe("faults", () => {
  test.each<[string, Fault, Partial<Awaited<ReturnType<typeof probe>>>]>([
    ["503", { kind: "status", status: 503 }, { status: 503, error: undefined }],
    ["500", { kind: "status", status: 500 }, { status: 500 }],
    [
      "429",
      { kind: "status", status: 429, retryAfter: 2 },
      { status: 429, headers: expect.objectContaining({ "retry-after": "2" }) },
    ],
    [
      "reset before headers",
      { kind: "reset" },
      { status: undefined, error: "ECONNRESET", body: Buffer.alloc(0) },
    ],
    [
      "reset after headers",
      { kind: "reset", when: "after-headers" },
      { status: 200, error: "ECONNRESET", body: Buffer.alloc(0) },
    ],
    // The node client reports a body cut short of Content-Length as ECONNRESET ("aborted").
    [
      "truncate",
      { kind: "truncate", afterBytes: 100 },
      { status: 200, error: "ECONNRESET", body: DATA.subarray(0, 100) },
    ],
    ["stall", { kind: "stall" }, { status: 200, error: "TIMEOUT", body: Buffer.alloc(0) }],
  ])("%s is seen by the client as specified, once, then healthy", async (_name, fault, expected) => {
    const handle = origin.addFault("/vod/data.bin", { ...fault, times: 1 });
    const seen = await get("/vod/data.bin", { timeoutMs: 500 });
    expect(seen).toMatchObject(expected);
    if (seen.status === 200) expect(seen.headers["content-length"]).toBe("1000");
    expect(handle.fired).toBe(1);
    expect(await get("/vod/data.bin")).toMatchObject({ status: 200, error: undefined, body: DATA });
    expect(origin.requests.map((record) => record.fault)).toEqual([fault.kind, undefined]);
  });

  test("fetch (undici) sees the full Content-Length, then its read of a truncated body fails", async () => {
    origin.addFault("/vod/data.bin", { kind: "truncate", afterBytes: 100, times: 1 });
    const response = await fetch(origin.urlOf("/vod/data.bin"));
    expect([response.status, response.headers.get("content-length")]).toEqual([200, "1000"]);
    await expect(response.arrayBuffer()).rejects.toThrow("terminated");
  });

  test("delay holds the headers back, slow throttles the body", async () => {
    origin.addFault("/vod/data.bin", { kind: "delay", ms: 400 });
    origin.addFault("/mem/slow.bin", { kind: "slow", bytesPerSecond: 16_000 });
    const delayed = await get("/vod/data.bin");
    expect(delayed).toMatchObject({ status: 200, body: DATA, error: undefined });
    expect(delayed.headersAfterMs).toBeGreaterThanOrEqual(390);
    // 8000 bytes at 16000 B/s: at least 500 ms end to end, though the head comes at once.
    const slow = await get("/mem/slow.bin");
    expect(slow).toMatchObject({ status: 200, body: Buffer.alloc(8000, 7), error: undefined });
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(450);
    expect(slow.headersAfterMs).toBeLessThan(400);
  });

  test("a 404 without times is permanent; `times` fires N times then healthy; first armed fault wins", async () => {
    origin.addFault("/vod/index.m3u8", { kind: "status", status: 404 });
    const twice = origin.addFault(/\.bin$/, { kind: "status", status: 503, times: 2 });
    origin.addFault((request) => request.query.includes("x=1"), { kind: "status", status: 500 });
    const statuses: (number | undefined)[] = [];
    for (const path of ["/vod/index.m3u8", "/vod/index.m3u8", "/vod/index.m3u8"])
      statuses.push((await get(path)).status);
    for (const path of ["/vod/data.bin?x=1", "/vod/data.bin?x=1", "/vod/data.bin?x=1", "/vod/data.bin"]) {
      statuses.push((await get(path)).status);
    }
    expect(statuses).toEqual([404, 404, 404, 503, 503, 500, 200]);
    expect(twice.fired).toBe(2);
    twice.remove();
    origin.clearFaults();
    expect((await get("/vod/index.m3u8")).status).toBe(200);
  });

  test("probability draws from the seeded PRNG: same seed, same pattern", async () => {
    const patterns: string[] = [];
    for (const seed of [7, 7, 8]) {
      const other = await startTestOrigin({ files: { "/a": "a" }, seed });
      other.addFault("/a", { kind: "status", status: 503, probability: 0.5 });
      let pattern = "";
      for (let i = 0; i < 40; i++) pattern += (await probe(other.urlOf("/a"))).status === 503 ? "x" : ".";
      await other.close();
      patterns.push(pattern);
    }
    expect(patterns[0]).toBe(patterns[1]);
    expect(patterns[0]).not.toBe(patterns[2]);
    expect(patterns[0]).toMatch(/x/);
    expect(patterns[0]).toMatch(/\./);
  });

  test.each<[string, unknown]>([
    ["status", { kind: "status", status: 42 }],
    ["times", { kind: "stall", times: -1 }],
    ["probability", { kind: "stall", probability: 2 }],
    ["afterBytes", { kind: "truncate", afterBytes: 1.5 }],
    ["bytesPerSecond", { kind: "slow", bytesPerSecond: 0 }],
    ["kind", { kind: "explode" }],
  ])("a fault with a bad %s is refused", (_field, fault) => {
    expect(() => origin.addFault("/x", fault as Fault)).toThrow(
      expect.objectContaining({ code: "INVALID_FAULT" }),
    );
  });
});

describe("required headers", () => {
  test.each([
    [{}, 404],
    [{ "X-MediaPackage-CDNIdentifier": "wrong" }, 404],
    [{ "X-MediaPackage-CDNIdentifier": "secret" }, 200],
    [{ "x-mediapackage-cdnidentifier": "secret" }, 200],
  ])("%j → %i", async (headers, status) => {
    const guarded = await startTestOrigin({
      files: { "/a.ts": "a" },
      requireHeaders: { "X-MediaPackage-CDNIdentifier": "secret" },
    });
    expect((await probe(guarded.urlOf("/a.ts"), { headers })).status).toBe(status);
    await guarded.close();
  });
});

describe("request log", () => {
  test("records method, path, query, range, status, bytes; counts per path; resetLog", async () => {
    await get("/vod/data.bin?a=1&b=2", { headers: { range: "bytes=10-19" } });
    await get("/vod/data.bin", { method: "HEAD" });
    await get("/vod/seg%201.ts");
    await get("/nope");
    expect(origin.requests).toMatchObject([
      {
        method: "GET",
        path: "/vod/data.bin",
        query: "a=1&b=2",
        range: "bytes=10-19",
        status: 206,
        bytesSent: 10,
      },
      { method: "HEAD", path: "/vod/data.bin", query: "", range: undefined, status: 200, bytesSent: 0 },
      { method: "GET", path: "/vod/seg 1.ts", status: 200, bytesSent: 376, complete: true },
      { method: "GET", path: "/nope", status: 404 },
    ]);
    expect([origin.count("/vod/data.bin"), origin.count("/vod/seg 1.ts"), origin.count("/other")]).toEqual([
      2, 1, 0,
    ]);
    origin.resetLog();
    expect([origin.requests.length, origin.counts.size]).toEqual([0, 0]);
  });
});

describe("generated files", () => {
  test("a 100 MB generated file streams with bounded memory and verifies by recomputing", async () => {
    const size = 100 * 1024 * 1024;
    origin.setFile("/big.bin", syntheticFile(size, 42));
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const received = createHash("sha256");
    const response = await fetch(origin.urlOf("/big.bin"));
    expect(response.headers.get("content-length")).toBe(String(size));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let sentWhilePaused = Number.NaN;
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      received.update(read.value);
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
      if (Number.isNaN(sentWhilePaused)) {
        // While the client reads nothing, backpressure must stop the origin after a few socket buffers.
        await new Promise((resolve) => setTimeout(resolve, 300));
        sentWhilePaused = origin.requests[0]?.bytesSent ?? Number.NaN;
      }
    }
    const expected = createHash("sha256");
    for (let offset = 0; offset < size; offset += 1 << 20)
      expected.update(syntheticBytes(42, offset, 1 << 20));
    expect(received.digest("hex")).toBe(expected.digest("hex"));
    expect(sentWhilePaused).toBeLessThan(16 * 1024 * 1024);
    // Buffers awaiting GC count here too; holding the body would be 100 MB or more.
    expect(peak).toBeLessThan(64 * 1024 * 1024);
    expect(origin.requests[0]).toMatchObject({ status: 200, bytesSent: size, complete: true });
    origin.deleteFile("/big.bin");
  }, 120_000);

  test("a range of a generated file is the same bytes as recomputed", async () => {
    origin.setFile("/gen.bin", syntheticFile(5_000_000_000, 3));
    const seen = await get("/gen.bin", { headers: { range: "bytes=4294967290-4294967309" } });
    expect(seen.headers["content-range"]).toBe("bytes 4294967290-4294967309/5000000000");
    expect(seen.body).toEqual(syntheticBytes(3, 4_294_967_290, 20));
    expect(syntheticBytes(3, 10, 20)).not.toEqual(syntheticBytes(3, 11, 20));
  });
});

describe("lifecycle", () => {
  test("close() ends idle keep-alive and stalled connections at once, then refuses", async () => {
    const other = await startTestOrigin({ files: { "/a": "a" } });
    const agent = new Agent({ keepAlive: true });
    await probe(other.urlOf("/a"), { agent });
    other.addFault("/a", { kind: "stall" });
    const stalled = probe(other.urlOf("/a"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await stalled).error).toEqual(expect.any(String));
    expect((await probe(other.url)).error).toBe("ECONNREFUSED");
    agent.destroy();
  });

  test("a root that is not a directory is refused", async () => {
    await expect(startTestOrigin({ root: join(base, "secret.txt") })).rejects.toBeInstanceOf(TestOriginError);
  });

  test("cli.ts prints its URL, serves the root and stops on SIGTERM", async () => {
    const cli = new URL("../src/test-origin/cli.ts", import.meta.url).pathname;
    const child = spawn(process.execPath, ["--import", "tsx", cli, "--root", join(base, "root")], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const firstLine = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
    const url = String(firstLine.value);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await probe(new URL("vod/data.bin", url).href)).toMatchObject({ status: 200, body: DATA });
    const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    child.kill("SIGTERM");
    expect(await exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
