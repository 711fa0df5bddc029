import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { fillBuffer } from "../src/body.js";
import { createTempNamer, isTempName } from "../src/directory-paths.js";
import { createDirectorySink } from "../src/directory-sink.js";
import { afterWritten, isLocalFileSystem, SMALL_OBJECT_BYTES } from "../src/directory-write.js";
import { chunkedStream, failingStream, patternBuffer } from "./helpers/streams.js";
import { tempDirEach } from "./helpers/temp-dir.js";

const b = (text: string) => Buffer.from(text);

describe("afterWritten: what a partial writev leaves", () => {
  test.each([
    ["nothing written", [b("abc"), b("de")], 0, ["abc", "de"]],
    ["inside the first buffer", [b("abc"), b("de")], 2, ["c", "de"]],
    ["exactly the first buffer", [b("abc"), b("de")], 3, ["de"]],
    ["into the second buffer", [b("abc"), b("de")], 4, ["e"]],
    ["everything", [b("abc"), b("de")], 5, []],
  ])("%s", (_what, buffers, written, expected) => {
    expect(afterWritten(buffers, written).map((buffer) => buffer.toString())).toEqual(expected);
  });
});

describe("createTempNamer", () => {
  test("names are temp names, unique, and cut long names", () => {
    const next = createTempNamer();
    const names = Array.from({ length: 1000 }, () => next("seg.ts"));
    expect(new Set(names).size).toBe(1000);
    for (const name of names) expect(isTempName(name)).toBe(true);
    expect(Buffer.byteLength(next("x".repeat(250)))).toBeLessThanOrEqual(255);
  });
});

describe("directory sink: cached directories and batched writes", () => {
  const base = tempDirEach("dir-write-");

  test("a directory removed behind the sink's back fails one put, and the next put walks and creates it again", async () => {
    const root = join(base.path, "root");
    const sink = createDirectorySink(root);
    await sink.put("v/1.ts", "one");
    await rm(join(root, "v"), { recursive: true });
    await expect(sink.put("v/2.ts", "two")).rejects.toMatchObject({ code: "WRITE_FAILED" });
    await sink.put("v/2.ts", "two");
    expect(await readFile(join(root, "v/2.ts"), "utf8")).toBe("two");
  });

  test.each([
    ["many small chunks (batched into few writes)", 3 * 1024 * 1024 + 17, 1_000],
    ["chunks larger than a batch", 5 * 1024 * 1024 + 3, 3 * 1024 * 1024],
  ])("a stream of %s arrives intact", async (_what, size, chunk) => {
    const sink = createDirectorySink(join(base.path, "root"));
    const data = patternBuffer(size, 9);
    await sink.put("big.mp4", chunkedStream(data, chunk), { expectedSize: size });
    expect((await readFile(join(base.path, "root", "big.mp4"))).equals(data)).toBe(true);
  });
});

describe("small objects on a local file system: gathered, then stored by the file writer thread", () => {
  const base = tempDirEach("dir-small-");

  test("the test directory is on a local file system (so these tests take that path), /proc is not", async () => {
    expect(await isLocalFileSystem(base.path)).toBe(true);
    expect(await isLocalFileSystem("/proc")).toBe(false);
    expect(await isLocalFileSystem(join(base.path, "missing"))).toBe(false);
  });

  test.each([
    ["a stream at the limit", SMALL_OBJECT_BYTES, 64 * 1024],
    ["a stream one byte over it (the streamed path)", SMALL_OBJECT_BYTES + 1, 64 * 1024],
    ["a stream of one-byte chunks", 3_000, 1],
  ])("%s arrives intact, with its size and checksum, and no temp file left", async (_what, size, chunk) => {
    const sink = createDirectorySink(join(base.path, "root"));
    const data = patternBuffer(size, 5);
    const stored = await sink.put("v/seg.ts", chunkedStream(data, chunk), { expectedSize: size });
    expect(stored.size).toBe(size);
    const again = await sink.put("v/copy.ts", data);
    expect(again.checksum).toEqual(stored.checksum);
    expect((await readFile(join(base.path, "root", "v", "seg.ts"))).equals(data)).toBe(true);
    expect((await readdir(join(base.path, "root", "v"))).sort()).toEqual(["copy.ts", "seg.ts"]);
  });

  test("a body that breaks off, or is shorter than announced: nothing under the final name, no temp file", async () => {
    const sink = createDirectorySink(join(base.path, "root"));
    const data = patternBuffer(200_000, 3);
    await expect(
      sink.put("v/a.ts", failingStream(data), { expectedSize: data.length }),
    ).rejects.toMatchObject({
      name: "BodyStreamError",
    });
    await expect(
      sink.put("v/b.ts", chunkedStream(data.subarray(0, 1000)), { expectedSize: data.length }),
    ).rejects.toMatchObject({ name: "SizeMismatchError" });
    expect(await readdir(join(base.path, "root", "v")).catch(() => [])).toEqual([]);
  });

  test.each([
    ["failed", new Error("connection reset")],
    ["destroyed", undefined],
  ])(
    "a body already %s when the put begins fails the put (it does not wait for events long gone)",
    async (_how, error) => {
      const sink = createDirectorySink(join(base.path, "root"));
      const data = patternBuffer(50_000, 4);
      for (const size of [data.length, 5_000_000]) {
        const body = chunkedStream(data);
        body.on("error", () => {});
        body.destroy(error);
        await new Promise((resolve) => setImmediate(resolve)); // its 'error' and 'close' are emitted
        await expect(sink.put(`v/${size}.ts`, body, { expectedSize: size })).rejects.toMatchObject({
          name: "BodyStreamError",
          ...(error ? { cause: error } : {}),
        });
      }
      expect(await readdir(join(base.path, "root", "v")).catch(() => [])).toEqual([]);
    },
  );

  /** A body that fills the sink's memory itself (as the origin client's do), ending as told. */
  function fillable(data: Buffer, outcome: { bytes: number; error?: Error }) {
    const body = Object.assign(new Readable({ read() {} }), {
      [fillBuffer]: async (target: Buffer) => {
        data.copy(target, 0, 0, Math.min(outcome.bytes, target.length, data.length));
        await new Promise((resolve) => setImmediate(resolve));
        return outcome;
      },
    });
    return body;
  }

  test.each([
    ["the whole body", 40_000, undefined, undefined],
    ["a body shorter than announced", 1_000, undefined, "SizeMismatchError"],
    ["a body longer than announced", 50_000, undefined, "SizeMismatchError"],
    ["a body that broke off", 1_000, new Error("connection reset"), "BodyStreamError"],
  ])("a fillable body: %s", async (_what, bytes, error, failure) => {
    const sink = createDirectorySink(join(base.path, "root"));
    const data = patternBuffer(50_000, 6);
    const put = sink.put("v/seg.ts", fillable(data, error ? { bytes, error } : { bytes }), {
      expectedSize: 40_000,
    });
    if (failure === undefined) {
      const stored = await put;
      const direct = await sink.put("v/copy.ts", data.subarray(0, 40_000));
      expect({ size: stored.size, checksum: stored.checksum }).toEqual({
        size: direct.size,
        checksum: direct.checksum,
      });
      expect((await readFile(join(base.path, "root", "v", "seg.ts"))).equals(data.subarray(0, 40_000))).toBe(
        true,
      );
      return;
    }
    await expect(put).rejects.toMatchObject({
      name: failure,
      ...(error ? { bytesRead: bytes, cause: error } : {}),
    });
    expect(await readdir(join(base.path, "root", "v")).catch(() => [])).toEqual([]);
  });

  test("a fillable body: the put's signal destroys it, and the put fails with the abort", async () => {
    const sink = createDirectorySink(join(base.path, "root"));
    const controller = new AbortController();
    const reason = new Error("stop");
    let settle: (outcome: { bytes: number; error?: unknown }) => void = () => {};
    const body = Object.assign(new Readable({ read() {} }), {
      [fillBuffer]: () => new Promise<{ bytes: number; error?: unknown }>((resolve) => (settle = resolve)),
    });
    body.on("error", () => {});
    body.on("close", () => settle({ bytes: 0, error: body.errored ?? new Error("destroyed") }));
    const put = sink.put("v/seg.ts", body, { expectedSize: 1000, signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);
    await expect(put).rejects.toMatchObject({ name: "SinkAbortedError" });
    expect(body.destroyed).toBe(true);
    expect(body.errored).toBe(reason);
    expect(await readdir(join(base.path, "root", "v")).catch(() => [])).toEqual([]);
  });

  test("an existing object is refused without overwrite and replaced with it; either way no temp file stays", async () => {
    const sink = createDirectorySink(join(base.path, "root"));
    await sink.put("v/seg.ts", "first");
    await expect(
      sink.put("v/seg.ts", chunkedStream(Buffer.from("second")), { expectedSize: 6 }),
    ).rejects.toMatchObject({ name: "ObjectExistsError" });
    expect(await readFile(join(base.path, "root", "v", "seg.ts"), "utf8")).toBe("first");
    await sink.put("v/seg.ts", chunkedStream(Buffer.from("second")), { expectedSize: 6, overwrite: true });
    expect(await readFile(join(base.path, "root", "v", "seg.ts"), "utf8")).toBe("second");
    expect(await readdir(join(base.path, "root", "v"))).toEqual(["seg.ts"]);
  });
});

describe("directory sink: memory for small bodies (bodyMemory)", () => {
  const base = tempDirEach("dir-memory-");

  test("offered up to the small-object size; none when every put is synced on its own", () => {
    expect(createDirectorySink(base.path).bodyMemory?.maxBytes).toBe(SMALL_OBJECT_BYTES);
    expect(createDirectorySink(base.path, { sync: "flush" }).bodyMemory?.maxBytes).toBe(SMALL_OBJECT_BYTES);
    expect(createDirectorySink(base.path, { sync: "put" }).bodyMemory).toBeUndefined();
  });

  test("filled and put as a Buffer, it is stored byte for byte and moves to the writer (no copy)", async () => {
    const sink = createDirectorySink(join(base.path, "root"));
    const memory = sink.bodyMemory;
    if (memory === undefined) throw new Error("no body memory");
    // Before the first put the sink does not know its file system yet: plain memory, stored all the same.
    const first = memory.allocate(5);
    first.write("first");
    expect(await sink.put("a/first.ts", first, { expectedSize: 5 })).toMatchObject({ size: 5 });
    const payload = patternBuffer(70_000);
    const second = memory.allocate(payload.length);
    payload.copy(second);
    const stored = await sink.put("a/second.ts", second, { expectedSize: payload.length });
    expect(stored.size).toBe(payload.length);
    expect(second.buffer.byteLength).toBe(0); // the writer thread's memory: moved with the store, detached here
    expect((await readFile(join(base.path, "root", "a", "second.ts"))).equals(payload)).toBe(true);
    expect(await readFile(join(base.path, "root", "a", "first.ts"), "utf8")).toBe("first");
    expect((await readdir(join(base.path, "root", "a"))).sort()).toEqual(["first.ts", "second.ts"]);
  });
});
