import type { ObjectInfo, ObjectSink } from "@vod-harvest/s3-sink";
import { describe, expect, it } from "vitest";
import { createStoredCheck } from "../src/verify.js";

/** A sink holding `files` (key → size) that answers sizes() and list(), recording what each was asked. */
function fakeSink(files: Map<string, number>, options: { sizes?: boolean; failSizesCall?: number } = {}) {
  const sizesCalls: string[][] = [];
  let listings = 0;
  const sink = {
    location: "/fake/",
    async *list(): AsyncIterable<ObjectInfo> {
      listings++;
      for (const [key, size] of files) yield { key, size };
    },
    ...(options.sizes === false
      ? {}
      : {
          sizes: async (keys: readonly string[]) => {
            sizesCalls.push([...keys]);
            if (sizesCalls.length === options.failSizesCall) throw new Error("EIO: sizes failed");
            return keys.map((key) => files.get(key));
          },
        }),
  } as unknown as ObjectSink;
  return { sink, sizesCalls, listings: () => listings };
}

/** Lets the batches started so far be read (the fake sink answers at once). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const keysOf = (count: number) => Array.from({ length: count }, (_, index) => `v0/seg_${index}.ts`);

describe("createStoredCheck: sizes read while the copy goes on", () => {
  it("reads each stored object once, in batches during the copy, and only the rest after it", async () => {
    const keys = keysOf(1200);
    const files = new Map(keys.map((key) => [key, 100]));
    files.set("index.m3u8", 40); // present from an earlier run: never announced as stored
    const { sink, sizesCalls } = fakeSink(files);
    const check = createStoredCheck(sink);
    for (const key of keys) check.stored(key, 100);
    const expected = new Map([...keys.map((key) => [key, 100] as const), ["index.m3u8", 40] as const]);
    expect(await check.verify(expected)).toEqual([]);
    expect(sizesCalls.map((call) => call.length)).toEqual([512, 512, 177]);
    // The last read holds the last partial batch and the key that was never stored by this run.
    expect(sizesCalls[2]).toContain("index.m3u8");
    expect(sizesCalls[2]).toContain("v0/seg_1199.ts");
    expect(new Set(sizesCalls.flat()).size).toBe(1201);
  });

  it("reads again at the end what a batch did not confirm: missing then, another size, or a failed read", async () => {
    const keys = keysOf(512 * 3);
    const files = new Map(keys.map((key) => [key, 100]));
    files.delete("v0/seg_3.ts"); // not there when its batch is read, there at the end
    files.set("v0/seg_600.ts", 7); // another size when its batch is read, right at the end
    const { sink, sizesCalls } = fakeSink(files, { failSizesCall: 3 }); // the third batch cannot be read
    const check = createStoredCheck(sink);
    for (const key of keys) check.stored(key, 100);
    await settle();
    files.set("v0/seg_3.ts", 100);
    files.set("v0/seg_600.ts", 100);
    expect(await check.verify(new Map(keys.map((key) => [key, 100])))).toEqual([]);
    const last = sizesCalls.at(-1) as string[];
    expect(last).toHaveLength(2 + 512);
    expect(last).toEqual(expect.arrayContaining(["v0/seg_3.ts", "v0/seg_600.ts", "v0/seg_1535.ts"]));
  });

  it("reports what is still missing or resized at the end", async () => {
    const keys = keysOf(600);
    const files = new Map(keys.map((key) => [key, 100]));
    const { sink } = fakeSink(files);
    const check = createStoredCheck(sink);
    for (const key of keys) check.stored(key, 100);
    await settle();
    files.delete("v0/seg_5.ts"); // confirmed during the copy, deleted after: not read again
    files.delete("v0/seg_590.ts"); // in the last batch: read at the end
    files.set("v0/seg_599.ts", 99);
    const expected = new Map(keys.map((key) => [key, 100]));
    expected.set("v0/extra.ts", 1); // planned, never stored
    expect(await check.verify(expected)).toEqual([
      { key: "v0/seg_590.ts", problem: "missing", detail: "missing from /fake/" },
      { key: "v0/seg_599.ts", problem: "resized", detail: "99 bytes in /fake/, expected 100" },
      { key: "v0/extra.ts", problem: "missing", detail: "missing from /fake/" },
    ]);
  });

  it("a key confirmed with another size than the one expected is read again", async () => {
    const keys = keysOf(512);
    const files = new Map(keys.map((key) => [key, 100]));
    const { sink, sizesCalls } = fakeSink(files);
    const check = createStoredCheck(sink);
    for (const key of keys) check.stored(key, 100);
    const expected = new Map(keys.map((key) => [key, 100]));
    expected.set("v0/seg_0.ts", 101);
    expect(await check.verify(expected)).toEqual([
      { key: "v0/seg_0.ts", problem: "resized", detail: "100 bytes in /fake/, expected 101" },
    ]);
    expect(sizesCalls.at(-1)).toEqual(["v0/seg_0.ts"]);
  });

  it("a read at the end that fails fails the verification", async () => {
    const keys = keysOf(10);
    const { sink } = fakeSink(new Map(keys.map((key) => [key, 100])), { failSizesCall: 1 });
    const check = createStoredCheck(sink);
    for (const key of keys) check.stored(key, 100);
    await expect(check.verify(new Map(keys.map((key) => [key, 100])))).rejects.toThrow("EIO");
  });

  it("a sink that cannot read sizes directly is listed once, after the copy", async () => {
    const keys = keysOf(1100);
    const { sink, listings } = fakeSink(new Map(keys.map((key) => [key, 100])), { sizes: false });
    const check = createStoredCheck(sink);
    for (const key of keys) check.stored(key, 100);
    expect(listings()).toBe(0);
    expect(await check.verify(new Map(keys.map((key) => [key, 100])))).toEqual([]);
    expect(listings()).toBe(1);
  });
});
