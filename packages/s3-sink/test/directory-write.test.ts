import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createTempNamer, isTempName } from "../src/directory-paths.js";
import { createDirectorySink } from "../src/directory-sink.js";
import { afterWritten } from "../src/directory-write.js";
import { chunkedStream, patternBuffer } from "./helpers/streams.js";

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
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "dir-write-"));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  test("a directory removed behind the sink's back fails one put, and the next put walks and creates it again", async () => {
    const root = join(base, "root");
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
    const sink = createDirectorySink(join(base, "root"));
    const data = patternBuffer(size, 9);
    await sink.put("big.mp4", chunkedStream(data, chunk), { expectedSize: size });
    expect((await readFile(join(base, "root", "big.mp4"))).equals(data)).toBe(true);
  });
});
