import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32cBase64 } from "@vod-harvest/vitest-config/crc32c";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createDirectorySink, type DirectorySink } from "../src/directory-sink.js";
import { THREAD_LIST_BATCH } from "../src/directory-walk.js";
import type { ObjectInfo } from "../src/types.js";
import { chunkedStream, failingStream, patternBuffer, sha256, stallingStream } from "./helpers/streams.js";

let base: string;
let root: string;
let sink: DirectorySink;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "dir-sink-"));
  root = join(base, "root");
  sink = createDirectorySink(root);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function collect(objects: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const all: ObjectInfo[] = [];
  for await (const object of objects) all.push(object);
  return all.sort((a, b) => a.key.localeCompare(b.key));
}

/** Every entry under `dir`, recursively, as relative paths (temp files included). */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe("directory sink: put, head, list, delete", () => {
  test.each([
    ["a string", "text/en.vtt", () => "WEBVTT\n", Buffer.from("WEBVTT\n")],
    ["a Buffer", "index.m3u8", () => Buffer.from("#EXTM3U\n"), Buffer.from("#EXTM3U\n")],
    [
      "a Uint8Array view",
      "k/key.key",
      () => new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4),
      Buffer.from([1, 2, 3]),
    ],
    ["a stream", "v/seg-1.ts", () => chunkedStream(patternBuffer(300_000), 7_000), patternBuffer(300_000)],
    ["an empty body", "empty.vtt", () => "", Buffer.alloc(0)],
  ])("stores %s byte for byte", async (_what, key, body, expected) => {
    const result = await sink.put(key, body());
    // The CRC32C of the bytes written, computed while they passed (a known answer, not our own code's).
    expect(result).toEqual({ key, size: expected.length, checksum: crc32cBase64(expected) });
    expect(await readFile(join(root, key))).toEqual(expected);
    expect(await sink.head(key)).toEqual({ key, size: expected.length });
    expect(await tree(root)).toEqual([key]);
  });

  test("a 20 MiB stream arrives intact", async () => {
    const data = patternBuffer(20 * 1024 * 1024, 5);
    await sink.put("big.mp4", chunkedStream(data), { expectedSize: data.length });
    expect(sha256(await readFile(join(root, "big.mp4")))).toBe(sha256(data));
  });

  test.each([
    [0, 1],
    [1_000, 65_536],
    [299_990, 10],
  ])("read of the range at %i, %i bytes: exactly those bytes", async (offset, length) => {
    const data = patternBuffer(300_000, 4);
    await sink.put("v/ranged.ts", data);
    const chunks: Buffer[] = [];
    for await (const chunk of await sink.read("v/ranged.ts", undefined, { offset, length }))
      chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(data.subarray(offset, offset + length))).toBe(true);
  });

  test("read streams an object back byte for byte; a missing key is a typed error", async () => {
    const data = patternBuffer(300_000, 4);
    await sink.put("v/seg.ts", data);
    const chunks: Buffer[] = [];
    for await (const chunk of await sink.read("v/seg.ts")) chunks.push(chunk as Buffer);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(data));
    await expect(sink.read("v/missing.ts")).rejects.toMatchObject({ code: "READ_FAILED" });
    await expect(sink.read("missing-dir/x.ts")).rejects.toMatchObject({ code: "READ_FAILED" });
  });

  test("head of a missing key, or of a directory, is undefined", async () => {
    await sink.put("a/b.ts", "x");
    expect(await sink.head("missing.ts")).toBeUndefined();
    expect(await sink.head("nope/missing.ts")).toBeUndefined();
    expect(await sink.head("a")).toBeUndefined();
    expect(await sink.head("a/b.ts/c")).toBeUndefined();
  });

  test("list walks the tree, filters by prefix as a string and skips temp files", async () => {
    for (const key of ["index.m3u8", "v1/a.ts", "v1/b.ts", "v10/a.ts", "v2/deep/x.m4s"])
      await sink.put(key, key);
    await writeFile(join(root, "v1", ".a.ts.0123456789abcdef.partial"), "half");
    const sizes = (keys: string[]) => keys.map((key) => ({ key, size: key.length }));
    expect(await collect(sink.list())).toEqual(
      sizes(["index.m3u8", "v1/a.ts", "v1/b.ts", "v10/a.ts", "v2/deep/x.m4s"]),
    );
    expect(await collect(sink.list("v1/"))).toEqual(sizes(["v1/a.ts", "v1/b.ts"]));
    expect(await collect(sink.list("v1"))).toEqual(sizes(["v1/a.ts", "v1/b.ts", "v10/a.ts"]));
    expect(await collect(sink.list("v2/deep/"))).toEqual(sizes(["v2/deep/x.m4s"]));
    expect(await collect(sink.list("nothing/"))).toEqual([]);
  });

  test("a listing of many files (sized by the file writer thread, in batches) has every file with its size", async () => {
    // More than one batch of THREAD_LIST_BATCH, spread over directories, beside a temp file and a symbolic link.
    const keys = Array.from({ length: THREAD_LIST_BATCH + 40 }, (_, index) => `v${index % 3}/s${index}.ts`);
    for (const dir of ["v0", "v1", "v2"]) await mkdir(join(root, dir), { recursive: true });
    await Promise.all(keys.map((key) => writeFile(join(root, key), "x".repeat(key.length))));
    await writeFile(join(root, "v1", ".s1.ts.0123456789abcdef.partial"), "half");
    await symlink(join(root, "v0", "s0.ts"), join(root, "v0", "link.ts"));
    const listed = await collect(sink.list());
    expect(listed).toEqual(
      keys.map((key) => ({ key, size: key.length })).sort((a, b) => a.key.localeCompare(b.key)),
    );
  });

  test("delete removes the object; deleting a missing key is not an error", async () => {
    await sink.put("a/b.ts", "x");
    await sink.delete("a/b.ts");
    expect(await sink.head("a/b.ts")).toBeUndefined();
    await expect(sink.delete("a/b.ts")).resolves.toBeUndefined();
    await expect(sink.delete("never/was.ts")).resolves.toBeUndefined();
  });

  test("creates its root, and refuses a root that is a file", async () => {
    expect(sink.location).toBe(`${root}/`);
    await sink.put("x.ts", "1");
    expect((await stat(root)).isDirectory()).toBe(true);
    await writeFile(join(base, "file"), "");
    await expect(createDirectorySink(join(base, "file")).put("x.ts", "1")).rejects.toMatchObject({
      name: "SinkNotFoundError",
      code: "NOT_FOUND",
    });
  });
});

describe("directory sink: conditional create and overwrite", () => {
  test("without overwrite an existing object is kept and ALREADY_EXISTS is thrown", async () => {
    await sink.put("seg.ts", "first");
    await expect(sink.put("seg.ts", "second")).rejects.toMatchObject({
      name: "ObjectExistsError",
      code: "ALREADY_EXISTS",
    });
    await expect(sink.put("seg.ts", chunkedStream(Buffer.from("third")))).rejects.toMatchObject({
      code: "ALREADY_EXISTS",
    });
    expect(await readFile(join(root, "seg.ts"), "utf8")).toBe("first");
    expect(await tree(root)).toEqual(["seg.ts"]);
  });

  test("with overwrite the object is replaced", async () => {
    await sink.put("seg.ts", "first");
    await sink.put("seg.ts", "second!", { overwrite: true });
    expect(await readFile(join(root, "seg.ts"), "utf8")).toBe("second!");
    expect(await tree(root)).toEqual(["seg.ts"]);
  });

  test("of concurrent conditional creates exactly one wins", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => sink.put("race.ts", chunkedStream(Buffer.from(`writer-${i}`), 3))),
    );
    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.filter((result) => result.status === "rejected");
    expect(won).toHaveLength(1);
    for (const result of lost) expect(result.reason).toMatchObject({ code: "ALREADY_EXISTS" });
    expect(await readFile(join(root, "race.ts"), "utf8")).toMatch(/^writer-\d$/);
    expect(await tree(root)).toEqual(["race.ts"]);
  });
});

describe("directory sink: nothing is committed unless the whole body is", () => {
  test.each([
    [
      "a short stream",
      () => chunkedStream(Buffer.alloc(1000), 100),
      1001,
      { expectedSize: 1001, actualSize: 1000 },
    ],
    [
      "a long stream",
      () => chunkedStream(Buffer.alloc(1000), 100),
      999,
      { expectedSize: 999, actualSize: 1000 },
    ],
    ["a short buffer", () => Buffer.alloc(10), 11, { expectedSize: 11, actualSize: 10 }],
    ["a long string", () => "abc", 2, { expectedSize: 2, actualSize: 3 }],
  ])("%s is refused with SIZE_MISMATCH", async (_what, body, expectedSize, sizes) => {
    await expect(sink.put("v/seg.ts", body(), { expectedSize })).rejects.toMatchObject({
      name: "SizeMismatchError",
      code: "SIZE_MISMATCH",
      ...sizes,
    });
    expect(await sink.head("v/seg.ts")).toBeUndefined();
    await mkdir(root, { recursive: true });
    expect(await tree(root)).toEqual([]);
  });

  test("a body stream that fails gives SOURCE_FAILED and leaves nothing", async () => {
    const error = await sink.put("seg.ts", failingStream(Buffer.alloc(5000))).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "BodyStreamError", code: "SOURCE_FAILED" });
    expect((error as Error).cause).toMatchObject({ code: "ECONNRESET" });
    expect(await tree(root)).toEqual([]);
  });

  test("an abort mid-stream gives ABORTED, leaves nothing and destroys the body", async () => {
    const { stream, delivered } = stallingStream(Buffer.alloc(64 * 1024));
    const controller = new AbortController();
    const putting = sink.put("seg.ts", stream, { signal: controller.signal });
    await delivered;
    controller.abort();
    await expect(putting).rejects.toMatchObject({ name: "SinkAbortedError", code: "ABORTED" });
    expect(stream.destroyed).toBe(true);
    expect(await tree(root)).toEqual([]);
  });

  test("an already aborted signal writes nothing", async () => {
    await expect(sink.put("seg.ts", "x", { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "ABORTED",
    });
    await expect(sink.head("seg.ts")).resolves.toBeUndefined();
  });

  test("a killed writer never leaves a file under the final name; cleanupPartials removes its temp file", async () => {
    const require = createRequire(import.meta.url);
    const script = fileURLToPath(new URL("./fixtures/slow-put.ts", import.meta.url));
    const child = spawn(process.execPath, [require.resolve("tsx/cli"), script, root, "v/seg.ts"], {
      stdio: "inherit",
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    // Wait until the child has written into its temp file, then kill it without a chance to clean up.
    const deadline = Date.now() + 20_000;
    let files: string[] = [];
    while (Date.now() < deadline) {
      files = await tree(root).catch(() => []);
      const partial = files.find((file) => file.endsWith(".partial"));
      if (partial && (await stat(join(root, partial))).size > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGKILL");
    await exited;
    files = await tree(root);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^v\/\.seg\.ts\.[0-9a-f]{16}\.partial$/);
    expect(await sink.head("v/seg.ts")).toBeUndefined();
    expect(await collect(sink.list())).toEqual([]);
    // Fresh temp files survive a cleanup with an age limit; old ones go.
    expect(await sink.cleanupPartials({ olderThanMs: 60_000 })).toBe(0);
    const old = new Date(Date.now() - 120_000);
    await utimes(join(root, files[0] as string), old, old);
    expect(await sink.cleanupPartials({ olderThanMs: 60_000 })).toBe(1);
    expect(await tree(root)).toEqual([]);
  });
});

describe("directory sink: never writes outside its root", () => {
  test.each([
    ["../escape.ts"],
    ["a/../../escape.ts"],
    ["/tmp/escape.ts"],
    ["a\\..\\..\\escape.ts"],
    ["a\0b"],
    [""],
    ["a//b"],
    ["./a"],
    ["a/."],
    ["v/.seg.ts.0123456789abcdef.partial"],
  ])("refuses key %j with INVALID_KEY", async (key) => {
    await expect(sink.put(key, "x")).rejects.toMatchObject({ name: "InvalidKeyError", code: "INVALID_KEY" });
    await expect(sink.head(key)).rejects.toMatchObject({ code: "INVALID_KEY" });
    await expect(sink.delete(key)).rejects.toMatchObject({ code: "INVALID_KEY" });
    expect(await tree(base).catch(() => [])).toEqual([]);
  });

  test("refuses a path through a symbolic link that leads outside", async () => {
    const outside = join(base, "outside");
    await mkdir(outside);
    await mkdir(root);
    await symlink(outside, join(root, "link"));
    await expect(sink.put("link/x.ts", "x")).rejects.toMatchObject({ code: "INVALID_KEY" });
    await expect(sink.put("link/new/deeper/x.ts", "x")).rejects.toMatchObject({ code: "INVALID_KEY" });
    await expect(sink.head("link/x.ts")).rejects.toMatchObject({ code: "INVALID_KEY" });
    expect(await readdir(outside)).toEqual([]);
    expect(await collect(sink.list())).toEqual([]);
  });

  test("concurrent puts into one new directory: all stored; refused through a link, each refusal names its key", async () => {
    const keys = Array.from({ length: 32 }, (_, index) => `new/deep/seg${index}.ts`);
    await Promise.all(keys.map((key) => sink.put(key, key)));
    for (const key of keys) expect(await readFile(join(root, key), "utf8")).toBe(key);
    const outside = join(base, "outside");
    await mkdir(outside);
    await symlink(outside, join(root, "away"));
    const refused = await Promise.allSettled(keys.map((key) => sink.put(key.replace("new/", "away/"), "x")));
    expect(refused.map((result) => (result.status === "rejected" ? result.reason.key : "stored"))).toEqual(
      keys.map((key) => key.replace("new/", "away/")),
    );
    expect(await readdir(outside)).toEqual([]);
  });

  test("follows a symbolic link that stays inside the root", async () => {
    await mkdir(join(root, "real"), { recursive: true });
    await symlink(join(root, "real"), join(root, "alias"));
    await sink.put("alias/x.ts", "inside");
    expect(await readFile(join(root, "real", "x.ts"), "utf8")).toBe("inside");
  });

  test("a symbolic link under the final name is never written through", async () => {
    const outsideFile = join(base, "outside.txt");
    await writeFile(outsideFile, "precious");
    await mkdir(root);
    await symlink(outsideFile, join(root, "seg.ts"));
    expect(await sink.head("seg.ts")).toBeUndefined();
    await expect(sink.put("seg.ts", "x")).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    await sink.put("seg.ts", "replaced", { overwrite: true });
    expect(await readFile(outsideFile, "utf8")).toBe("precious");
    expect(await readFile(join(root, "seg.ts"), "utf8")).toBe("replaced");
  });
});

describe("directory sink: a root that cannot hold files", () => {
  test("a put under /proc fails with the errno instead of looping (Node's recursive mkdir spins there)", async () => {
    const error = await createDirectorySink("/proc/vod-harvest-nope/x")
      .put("a.ts", Buffer.from("x"))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "SinkIoError", code: "WRITE_FAILED" });
    expect((error as Error).message).toMatch(/ENOENT/);
  });

  test.each([
    ["/proc/nope", /proc file system/],
    ["/sys/nope/x", /sysfs file system/],
  ])("check(%s) refuses it: INVALID_DESTINATION", async (root, reason) => {
    await expect(createDirectorySink(root).check()).rejects.toMatchObject({
      code: "INVALID_DESTINATION",
      message: expect.stringMatching(reason),
    });
  });

  test("reads of a root not there yet find nothing and create nothing; the first put creates it", async () => {
    const later = join(base, "later", "root");
    const fresh = createDirectorySink(later);
    await fresh.check();
    expect(await fresh.head("a.ts")).toBeUndefined();
    expect(await collect(fresh.list())).toEqual([]);
    expect(await fresh.cleanupPartials()).toBe(0);
    await expect(stat(join(base, "later"))).rejects.toMatchObject({ code: "ENOENT" });
    await fresh.put("a.ts", Buffer.from("x"));
    expect(await readFile(join(later, "a.ts"), "utf8")).toBe("x");
  });
});
